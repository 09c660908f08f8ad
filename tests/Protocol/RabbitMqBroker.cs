using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RabbitMQ.Client;
using Xunit;

namespace FoolingCluster.Protocol.Tests;

/// <summary>
/// A private RabbitMQ node for one test class: its own node name, ports on 127.0.0.1, data, logs, config
/// and Erlang cookie in a temp directory. It can be stopped and started again on the same ports and data
/// (a broker restart), and is killed on dispose. Without rabbitmq-server installed it starts nothing and
/// the tests marked <see cref="RabbitMqFactAttribute"/> are skipped.
/// </summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<string> _output = new();
    private string? _directory;
    private Process? _server;

    /// <summary>The server's start script, or null when RabbitMQ is not installed.</summary>
    public static string? ServerPath { get; } = FindServer();

    /// <summary>The AMQP port the node listens on (127.0.0.1 only).</summary>
    public int NodePort { get; private set; }

    /// <summary>The Erlang distribution port.</summary>
    public int DistPort { get; private set; }

    /// <summary>The Erlang node name, unique per fixture.</summary>
    public string NodeName { get; } = $"fc-test-{Guid.NewGuid():N}@localhost";

    /// <summary>The node as an AMQP URI (the default guest user, which may connect from loopback).</summary>
    public Uri Uri => new($"amqp://guest:guest@127.0.0.1:{NodePort}/");

    public async Task InitializeAsync()
    {
        if (ServerPath is null)
        {
            return;
        }

        _directory = Directory.CreateTempSubdirectory("fooling-rabbitmq-").FullName;
        File.WriteAllText(Path.Combine(_directory, "rabbitmq.conf"), "log.console.level = warning\nlog.file.level = info\n");
        File.WriteAllText(Path.Combine(_directory, "enabled_plugins"), "[].\n");
        File.WriteAllText(Path.Combine(_directory, "rabbitmq-env.conf"), "");
        (NodePort, DistPort) = (FreePort(), FreePort());
        await StartAsync();
    }

    /// <summary>Starts the node (again, on the same ports and data) and returns once it accepts AMQP connections.</summary>
    public async Task StartAsync()
    {
        if (ServerPath is null || _directory is null)
        {
            throw new InvalidOperationException("rabbitmq-server is not installed");
        }

        if (_server is { HasExited: false })
        {
            throw new InvalidOperationException("the broker is running already");
        }

        _server?.Dispose();
        _output.Clear();
        var start = new ProcessStartInfo(ServerPath)
        {
            WorkingDirectory = _directory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string inherited in start.Environment.Keys.Where(k => k.StartsWith("RABBITMQ_", StringComparison.Ordinal) || k.StartsWith("ERL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        start.Environment["HOME"] = _directory; // the Erlang cookie goes there
        start.Environment["RABBITMQ_NODENAME"] = NodeName;
        start.Environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
        start.Environment["RABBITMQ_NODE_PORT"] = NodePort.ToString();
        start.Environment["RABBITMQ_DIST_PORT"] = DistPort.ToString();
        start.Environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(_directory, "mnesia");
        start.Environment["RABBITMQ_LOG_BASE"] = Path.Combine(_directory, "log");
        start.Environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(_directory, "rabbitmq.conf");
        start.Environment["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_directory, "advanced.config");
        start.Environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_directory, "rabbitmq-env.conf");
        start.Environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_directory, "enabled_plugins");
        start.Environment["RABBITMQ_ENABLED_PLUGINS"] = "";

        var server = new Process { StartInfo = start };
        server.OutputDataReceived += (_, e) => Remember(e.Data);
        server.ErrorDataReceived += (_, e) => Remember(e.Data);
        server.Start();
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        _server = server;

        var clock = Stopwatch.StartNew();
        var factory = new ConnectionFactory
        {
            Uri = Uri,
            AutomaticRecoveryEnabled = false,
            RequestedConnectionTimeout = TimeSpan.FromSeconds(2),
        };
        while (true)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"rabbitmq-server exited with {server.ExitCode} while starting:\n{Output()}");
            }

            try
            {
                await using IConnection probe = await factory.CreateConnectionAsync();
                await probe.CloseAsync();
                return;
            }
            catch (Exception ex)
            {
                if (clock.Elapsed > StartTimeout)
                {
                    server.Kill(entireProcessTree: true);
                    throw new TimeoutException($"rabbitmq-server did not accept AMQP connections within {StartTimeout.TotalSeconds} s:\n{Output()}", ex);
                }

                await Task.Delay(100);
            }
        }
    }

    /// <summary>Stops the node the way an operator would (SIGTERM, a clean shutdown), killing it if that hangs.</summary>
    public Task StopAsync() => StopAsync(StopTimeout);

    private async Task StopAsync(TimeSpan patience)
    {
        if (_server is not { HasExited: false } server)
        {
            return;
        }

        using (Process kill = Process.Start("kill", ["-TERM", server.Id.ToString()]))
        {
            await kill.WaitForExitAsync();
        }

        using var bounded = new CancellationTokenSource(patience);
        try
        {
            await server.WaitForExitAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
    }

    /// <summary>
    /// Stops the node, briefly gracefully (its start script then reaps the Erlang VM and the VM its helpers,
    /// where a bare kill would leave them to an init that may not), then by killing the process tree.
    /// </summary>
    public async Task DisposeAsync()
    {
        if (_server is { } server)
        {
            await StopAsync(TimeSpan.FromSeconds(10));
            server.Dispose();
        }

        if (_directory is not null)
        {
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A straggling Erlang helper still writing; the temp folder is cleaned eventually.
            }
        }
    }

    /// <summary>The server's recent console output, for failure messages.</summary>
    public string Output() => string.Join('\n', _output);

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Debian's /usr/sbin/rabbitmq-server switches to the rabbitmq user and its own directories, so the
    /// script it wraps comes first; elsewhere the one on PATH.
    /// </summary>
    private static string? FindServer()
    {
        const string Debian = "/usr/lib/rabbitmq/bin/rabbitmq-server";
        if (File.Exists(Debian))
        {
            return Debian;
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, "rabbitmq-server");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
