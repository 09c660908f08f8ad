using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Tensors;
using FoolingCluster.Worker;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Models;
using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Hosting.Runs;

/// <summary>How a worker node joins and what it calls itself.</summary>
/// <param name="Node">Where it listens and the seed nodes it joins through.</param>
/// <param name="WorkerId">Its id on the dashboard.</param>
/// <param name="ModelCache">Folder for fetched models.</param>
/// <param name="Coordinator">The coordinator's HTTP address for model downloads, if the one jobs carry is not reachable from here.</param>
/// <param name="JoinTimeout">How long one attempt to join is tried.</param>
public sealed record WorkerHosting(NodeSettings Node, string WorkerId, string ModelCache, Uri? Coordinator, TimeSpan JoinTimeout);

/// <summary>What a worker did before it stopped.</summary>
/// <param name="Evaluations">Children evaluated in accepted-or-not results it sent.</param>
/// <param name="Rejected">Jobs it could not run (a model it could not load, a job that did not fit its run).</param>
public sealed record WorkerTally(long Evaluations, int Rejected);

/// <summary>
/// The composition root of <c>fooling worker</c>: joins the cluster, fetches each run's model
/// from the coordinator by content hash and evaluates jobs until stopped. When the cluster has
/// had no coordinator for a while (its process ended and no standby took over), it joins again
/// through the same addresses, so a coordinator restarted with <c>--resume</c> finds its workers.
/// </summary>
public static class WorkerHost
{
    /// <summary>How long a worker waits for a coordinator to come back before joining again.</summary>
    private static readonly TimeSpan CoordinatorGrace = TimeSpan.FromSeconds(10);

    /// <summary>Serves the cluster until <paramref name="stop"/> fires or the dashboard stops the workers.</summary>
    /// <param name="hosting">How the worker joins.</param>
    /// <param name="log">Receives its lines.</param>
    /// <param name="stop">Stops it (a signal): its unfinished job goes to another worker.</param>
    /// <exception cref="InvalidInputException">No coordinator answered the first attempt to join.</exception>
    public static async Task<WorkerTally> RunAsync(WorkerHosting hosting, Action<string> log, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(hosting);
        ArgumentNullException.ThrowIfNull(log);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var models = new HttpModelSource(http, hosting.ModelCache, hosting.Coordinator, log);
        var executor = new JobExecutor(hosting.WorkerId, models, log);
        string seeds = string.Join(", ", hosting.Node.Seeds);
        string id = hosting.WorkerId;
        long evaluations = 0;
        int rejected = 0;
        bool first = true;
        while (!stop.IsCancellationRequested)
        {
            log($"worker {id}: joining the cluster through {seeds} with {Engine.Threads} threads");
            WorkerNode node;
            try
            {
                node = await WorkerNode.StartAsync(hosting.Node, hosting.JoinTimeout, CoordinatorGrace, log, stop).ConfigureAwait(false);
            }
            catch (InvalidInputException) when (!first)
            {
                // The coordinator is being restarted: keep trying until it is back or the worker is stopped.
                log($"worker {id}: no coordinator at {seeds} yet; trying again");
                continue;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                break;
            }

            first = false;
            await using (node.ConfigureAwait(false))
            {
                IWorkerTransport transport = node.Worker(id);
                await using (transport.ConfigureAwait(false))
                {
                    var service = new WorkerService(transport, executor, TimeSpan.FromSeconds(2), log);
                    using var lost = CancellationTokenSource.CreateLinkedTokenSource(stop);
                    _ = node.CoordinatorLost.ContinueWith(_ => lost.Cancel(), TaskScheduler.Default);
                    log($"worker {id}: waiting for jobs");
                    await service.RunAsync(lost.Token).ConfigureAwait(false);
                    evaluations += service.Evaluations;
                    rejected += service.Rejected;
                    if (!node.CoordinatorLost.IsCompleted || stop.IsCancellationRequested)
                    {
                        break; // stopped by the dashboard or by a signal
                    }

                    log($"worker {id}: the cluster has had no coordinator for {CoordinatorGrace.TotalSeconds:F0} s; joining again");
                }
            }
        }

        return new WorkerTally(evaluations, rejected);
    }
}
