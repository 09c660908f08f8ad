namespace FoolingCluster.Tests.Shared;

/// <summary>Finds the repository root: the nearest folder above the test binaries that holds FoolingCluster.sln.</summary>
internal static class RepositoryRoot
{
    public static string Find()
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
}
