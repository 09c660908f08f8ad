using FoolingCluster.Cli.Output;
using FoolingCluster.Coordinator.Http;
using FoolingCluster.Evolution;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Views;
using FoolingCluster.Protocol;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Cli.Evolution;

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
    /// <exception cref="Tensors.InvalidInputException">The address cannot be bound (in use, say).</exception>
    public static StandbyDashboard Start(CoordinatorNode node, DashboardOptions options, RunFolder run, EvolutionConfig cfg, string encoding, string description, int classes, ClassLabels labels, CancellationToken cancel)
    {
        string weights = RunFiles.ModelIn(run.Path);
        var model = (weights, Models.Checkpoints.ModelCheckpoint.SidecarPath(weights), ContentHash.OfFile(weights));
        var placeholder = new RunSnapshot(run.Id, encoding, description, "running", -1, cfg.Generations, 0, 0, new ArchiveStats(classes, 0, 0, 0, 0, 0, 0, 0), [], [])
        {
            ClassNames = labels.Names,
        };
        void Log(string line) => run.Log.Information("{Line:l}", line);
        ProxiedRunView view = node.FollowActive(model, placeholder, Log);
        try
        {
            DashboardServer server = DashboardServer.StartAsync(view, options with { Log = Log }, cancel).GetAwaiter().GetResult();
            run.Log.Information("the dashboard at {Url:l} shows the active coordinator's run while this one stands by", server.Uri.ToString());
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
