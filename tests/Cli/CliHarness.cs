namespace FoolingCluster.Cli.Tests;

/// <summary>Runs the <c>fooling</c> command in-process and captures what it prints.</summary>
internal static class CliHarness
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = FoolingApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    public static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FoolingCluster.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no folder above {AppContext.BaseDirectory} holds FoolingCluster.sln");
    }

    public static string Mnist => Path.Combine(RepositoryRoot(), "data", "mnist");
}

/// <summary>A fresh folder under the system temp folder, deleted afterwards.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "fooling-cli-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
