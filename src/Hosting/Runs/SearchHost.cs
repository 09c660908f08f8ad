using FoolingCluster.Coordinator.Http;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Persistence;
using FoolingCluster.Runs;

namespace FoolingCluster.Hosting.Runs;

/// <summary>
/// The composition root of a search's node, for <c>fooling run</c> (the in-process actor system
/// and its workers) and <c>fooling coordinator</c> (a cluster node whose workers join it): the
/// node and its journal, a standby's wait and its dashboard, the workers, the search, the
/// dashboard and the HTTP API workers fetch the model from. The caller parses options, loads
/// the model and prepares the run folder; everything that runs is put together here.
/// </summary>
public static class SearchHost
{
    /// <summary>Where dashboard exports go (as <c>fooling export --out data/fooling/&lt;name&gt;</c>).</summary>
    private const string ExportRoot = "data/fooling";

    /// <summary>Runs the search of <paramref name="run"/> as <paramref name="mode"/> says, until it ends or <paramref name="stop"/> fires.</summary>
    /// <typeparam name="TGenome">Genome type.</typeparam>
    /// <param name="mode">How the search is hosted.</param>
    /// <param name="run">The run folder and what is said of the run.</param>
    /// <param name="encoding">The run's encoding.</param>
    /// <param name="evaluator">This node's evaluator of the target: the workers' in the embedded run, the checks' in a cluster.</param>
    /// <param name="resume">Continue the run from its store, rather than start it.</param>
    /// <param name="writeOutputs">Writes the run's report files into a folder (the run's, or an export's).</param>
    /// <param name="progress">Receives each merged generation.</param>
    /// <param name="log">Receives the host's lines.</param>
    /// <param name="stop">Stops the search at its next safe point, saved (a signal); a standby stops waiting.</param>
    /// <param name="searchEnded">Called once the search has stopped running, before the dashboard and the workers are closed (a console status line ends there).</param>
    public static HostedSearch<TGenome> Run<TGenome>(RunMode mode, HostedRun run, IEncoding<TGenome> encoding, Evaluator<TGenome> evaluator, bool resume, Action<SearchRun<TGenome>, string> writeOutputs, IProgress<GenerationRecord> progress, HostLog log, CancellationToken stop, Action? searchEnded = null)
    {
        ArgumentNullException.ThrowIfNull(mode);
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(log);
        CoordinatorNode? node = null;
        if (mode.Cluster is not null)
        {
            node = StartCoordinator(mode, run, resume, log, stop, out Uri? followed);
            if (node is null)
            {
                log.Warning("stopped while standing by; the run was not touched");
                return new HostedSearch<TGenome>(HostedEnd.StoppedWhileStandingBy, null, null, 0);
            }

            if (followed is not null)
            {
                // The run's own dashboard takes the address the followed one had.
                mode = mode with { Dashboard = mode.Dashboard! with { Listen = StandbyDashboard.SameAddress(mode.Dashboard.Listen, followed) } };
            }
        }

        EmbeddedCluster<TGenome> cluster = EmbeddedCluster<TGenome>.Start(run.Id, run.Folder, run.Config, encoding, evaluator, mode.Workers, log.Warning, node);
        SearchRun<TGenome> opened;
        try
        {
            opened = resume
                ? SearchRun<TGenome>.Resume(run.Folder, run.Config, encoding, cluster.Evaluator, run.Classes, cluster.Store, writeOutputs, log.Warning, startIfEmpty: mode.Standby)
                : SearchRun<TGenome>.Start(run.Folder, run.Config, encoding, cluster.Evaluator, run.Classes, cluster.Store, writeOutputs);
        }
        catch
        {
            // A run that cannot be opened (a damaged store, say) still closes its node and workers.
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        using SearchRun<TGenome> search = opened;
        using var control = new RunControl();
        DashboardServer? server = null;
        SearchRunView<TGenome>? view = null;
        SearchOutcome outcome;
        try
        {
            if (mode.Standby && search.WasStoppedOnPurpose)
            {
                // Stopping the active coordinator (Ctrl-C, SIGTERM, the dashboard's stop) stops the
                // run; only a coordinator that dies or is cut off hands it over.
                return new HostedSearch<TGenome>(HostedEnd.StoppedByTheActiveCoordinator, new SearchOutcome(search.Scheduler.NextGeneration - 1, true, 0), search.Scheduler.Archive, search.FoundCount);
            }

            if (mode.Dashboard is not null)
            {
                view = new SearchRunView<TGenome>(search, control, cluster.Evaluator.Workers, run.Folder, ExportRoot, run.Description, run.Labels);
                // Not cancelled by a signal: one arriving now stops the search below at its first safe point, with the usual word on how to continue.
                server = DashboardServer.StartAsync(view, mode.Dashboard with { Log = log.Information }, CancellationToken.None).GetAwaiter().GetResult();
                node?.Serve(view);
                cluster.Spec.ModelUrl = WorkerInstructions.ModelUrl(mode.Advertise, server.Uri);
                if (node is not null)
                {
                    log.Information($"workers fetch the model from {cluster.Spec.ModelUrl}; start them with: {WorkerInstructions.WorkerCommandLine(mode.Cluster!, node.Address)}");
                }
            }

            // Stopped while waiting, the run below stops before its next generation, saved.
            if (mode.WaitForWorkers > 0)
            {
                WorkerQuorum.WaitFor(cluster.Evaluator.Workers, mode.WaitForWorkers, log.Information, stop);
            }

            outcome = search.Run(progress, stop, control);
            searchEnded?.Invoke();
        }
        finally
        {
            // The live view ends with the run: a finished run's folder has report.html.
            view?.Finish();
            server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        return new HostedSearch<TGenome>(outcome.Stopped ? HostedEnd.Stopped : HostedEnd.Finished, outcome, search.Scheduler.Archive, search.FoundCount);
    }

    /// <summary>
    /// Starts the coordinator's cluster node and waits until it hosts the job board singleton: at
    /// once for the cluster's first coordinator; for a standby, serving the active coordinator's
    /// run on its dashboard meanwhile, when the active coordinator is gone. Null if stopped first.
    /// </summary>
    private static CoordinatorNode? StartCoordinator(RunMode mode, HostedRun run, bool resume, HostLog log, CancellationToken stop, out Uri? followed)
    {
        log.Information($"starting the cluster node at {mode.Cluster!.Listen}");
        JournalStore journal = mode.Journal ?? JournalStore.Sqlite(Path.Combine(run.Folder, RunFiles.Store));
        if (!resume)
        {
            RunJournalLocation.Record(run.Folder, mode.Journal);
        }

        followed = null;
        CoordinatorNode node;
        try
        {
            node = CoordinatorNode.StartAsync(mode.Cluster, mode.JoinTimeout, log.Information, stop, journal).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (mode.Standby && stop.IsCancellationRequested)
        {
            return null;
        }

        try
        {
            using StandbyDashboard? standby = mode.Standby && mode.Dashboard is not null ? StandbyDashboard.Start(node, mode.Dashboard, run, log.Information, stop) : null;
            followed = standby?.Uri;
            if (mode.Standby)
            {
                log.Information($"standing by at {node.Address} with the journal in {journal.Description}: this coordinator takes over {run.Folder} when the active one at {string.Join(", ", mode.Cluster.Seeds)} is gone");
            }

            node.Active.WaitAsync(stop).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped while standing by: the standby's dashboard is closed above, then its node.
            node.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return null;
        }
        catch
        {
            node.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        if (mode.Standby)
        {
            log.Warning($"the active coordinator is gone: taking over {run.Folder} from its journal");
        }

        return node;
    }
}
