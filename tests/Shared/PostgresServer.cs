using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace FoolingCluster.Tests.Shared;

/// <summary>
/// A private PostgreSQL server for the tests: a fresh cluster in a temporary folder, listening on
/// 127.0.0.1 on a free port with trust authentication, stopped and deleted afterwards. It needs
/// Debian's <c>postgresql</c> package (<c>.ci/run</c> installs it); as root it runs the server as
/// the package's <c>postgres</c> user, since PostgreSQL refuses to run as root.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"fooling-pg-{Guid.NewGuid():N}");
    private string? _bin;

    /// <summary>The server's port.</summary>
    public int Port { get; private set; }

    /// <summary>Why the server could not start, or null.</summary>
    public string? Unavailable { get; private set; }

    /// <summary>Where the server's binaries are, or null when PostgreSQL is not installed.</summary>
    public static string? BinFolder => Directory.Exists("/usr/lib/postgresql")
        ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb"))).OrderDescending().FirstOrDefault()
        : null;

    /// <summary>A URL for a new, empty database on the server.</summary>
    public async Task<string> NewDatabaseAsync()
    {
        string name = $"db{Guid.NewGuid():N}"[..16];
        await RunAsync(Path.Combine(_bin!, "createdb"), "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "fooling", name);
        return $"postgres://fooling@127.0.0.1:{Port}/{name}";
    }

    public async Task InitializeAsync()
    {
        _bin = BinFolder;
        if (_bin is null)
        {
            Unavailable = "PostgreSQL is not installed (Debian: apt-get install postgresql)";
            return;
        }

        Directory.CreateDirectory(_folder);
        bool root = Environment.UserName == "root";
        if (root)
        {
            await RunAsync("chown", "postgres", _folder);
        }

        string data = Path.Combine(_folder, "data");
        await RunAsServerUserAsync(root, Path.Combine(_bin, "initdb"), "-D", data, "--username=fooling", "--auth=trust", "--no-sync", "-E", "UTF8");
        Port = FreePorts.Loopback();
        await RunAsServerUserAsync(root, Path.Combine(_bin, "pg_ctl"), "-D", data, "-w", "-t", "60", "-l", Path.Combine(_folder, "server.log"),
            "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
    }

    public async Task DisposeAsync()
    {
        if (_bin is not null && Port > 0)
        {
            await RunAsServerUserAsync(Environment.UserName == "root", Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static Task RunAsServerUserAsync(bool root, string program, params string[] arguments) =>
        root ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await errors}");
        }
    }

}
