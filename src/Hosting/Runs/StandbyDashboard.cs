using FoolingCluster.Coordinator.Http;
using FoolingCluster.Evolution;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Views;
using FoolingCluster.Protocol;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Hosting.Runs;

/// <summary>
/// A standby coordinator's dashboard while it stands by: the active coordinator's run, read
/// through the job board singleton's proxy, on the standby's own <c>--listen</c> address. When
/// the standby takes over, this one is closed and the run's own dashboard opens on the same
/// address (<see cref="SameAddress"/>).
/// </summary>
internal sealed class StandbyDashboard : IDisposable
{
    private readonly ProxiedRunView _view;
    private readonly DashboardServer _server;

    private StandbyDashboard(ProxiedRunView view, DashboardServer server)
    {
        _view = view;
        _server = server;
    }

    /// <summary>Where it is served (the bound port).</summary>
    public Uri Uri => _server.Uri;

    /// <summary>Starts following the active coordinator and serves what it sees on <paramref name="options"/>' address.</summary>
    /// <param name="node">This standby's cluster node.</param>
    /// <param name="options">Where and how the dashboard is served.</param>
    /// <param name="run">The run both coordinators serve, as this one knows it before taking over.</param>
    /// <param name="log">Receives a line when the dashboard is up, and the server's lines.</param>
    /// <param name="cancel">Stops starting the server.</param>
    /// <exception cref="Tensors.InvalidInputException">The address cannot be bound (in use, say).</exception>
    public static StandbyDashboard Start(CoordinatorNode node, DashboardOptions options, HostedRun run, Action<string> log, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(log);
        string weights = RunFiles.ModelIn(run.Folder);
        var model = (weights, Models.Checkpoints.ModelCheckpoint.SidecarPath(weights), ContentHash.OfFile(weights));
        var placeholder = new RunSnapshot(run.Id, run.Encoding, run.Description, "running", -1, run.Config.Generations, 0, 0, new ArchiveStats(run.Classes, 0, 0, 0, 0, 0, 0, 0), [], [])
        {
            ClassNames = run.Labels.Names,
        };
        ProxiedRunView view = node.FollowActive(model, placeholder, log);
        try
        {
            DashboardServer server = DashboardServer.StartAsync(view, options with { Log = log }, cancel).GetAwaiter().GetResult();
            log($"the dashboard at {server.Uri} shows the active coordinator's run while this one stands by");
            return new StandbyDashboard(view, server);
        }
        catch
        {
            view.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary><paramref name="listen"/> with the port <paramref name="served"/> was bound to (the same when it named one; the one chosen for port 0).</summary>
    public static string SameAddress(string listen, Uri served) => $"{listen[..listen.LastIndexOf(':')]}:{served.Port}";

    /// <summary>Closes the dashboard and stops following.</summary>
    public void Dispose()
    {
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _view.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
