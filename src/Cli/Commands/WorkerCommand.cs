using System.CommandLine;
using System.Globalization;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Tensors;
using FoolingCluster.Worker;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Models;
using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling worker</c>: joins a coordinator's cluster, fetches each run's model from the
/// coordinator by content hash and evaluates jobs until stopped. When the cluster has had no
/// coordinator for a while (its process ended and no standby took over), it joins again through
/// the same addresses, so a coordinator restarted with <c>--resume</c> finds its workers.
/// </summary>
internal static class WorkerCommand
{
    /// <summary>How long a worker waits for a coordinator to come back before joining again.</summary>
    private static readonly TimeSpan CoordinatorGrace = TimeSpan.FromSeconds(10);

    public static Command Build()
    {
        var join = ClusterOptions.Join(required: true);
        var cluster = ClusterOptions.Listen(NodeAddress.LoopbackAnyPort.ToString(), "HOST:PORT this worker listens on for the cluster (default 127.0.0.1:0: this machine, any free port; the coordinator must reach it, so on another machine give this machine's IP and --tls FILE, or --insecure to send unencrypted)");
        var insecure = ClusterOptions.Insecure();
        var tls = ClusterOptions.Tls();
        var coordinator = new Option<string?>("--coordinator") { Description = "coordinator's HTTP address (http://HOST:PORT) for model downloads, if the one jobs carry is not reachable from here" };
        var cache = new Option<string>("--cache") { Description = "folder for fetched models", DefaultValueFactory = _ => Path.Combine("models", "cache") };
        var id = new Option<string?>("--id") { Description = "worker id shown on the dashboard (default: host name and process id)" };
        var threads = CommonOptions.Threads();
        var command = new Command("worker", "Evaluate jobs for a coordinator's cluster until stopped (Ctrl-C or SIGTERM: exit 130 or 143, its unfinished job going to another worker; or stop from the dashboard: exit 0).")
        {
            join, cluster, insecure, tls, coordinator, cache, id, threads,
        };
        command.SetAction(async (parse, cancel) =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            NodeSettings settings = ClusterOptions.Node(parse.GetValue(cluster)!, parse.GetValue(join), parse.GetValue(insecure), anyPort: true, parse.GetValue(tls));
            Uri? coordinatorUri = parse.GetValue(coordinator) is string c ? ParseUri(c, "--coordinator", "http", "https") : null;
            string workerId = parse.GetValue(id) ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            TimeSpan joinTimeout = ClusterOptions.JoinTimeout();
            void Log(string line) => console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {line}"));

            using var ctrlC = new CtrlCHandler(cancel);
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var models = new HttpModelSource(http, parse.GetValue(cache)!, coordinatorUri, Log);
            var executor = new JobExecutor(workerId, models, Log);
            string seeds = string.Join(", ", settings.Seeds);
            long evaluations = 0;
            int rejected = 0;
            bool first = true;
            while (!ctrlC.Token.IsCancellationRequested)
            {
                Log($"worker {workerId}: joining the cluster through {seeds} with {Engine.Threads} threads");
                WorkerNode node;
                try
                {
                    node = await WorkerNode.StartAsync(settings, joinTimeout, CoordinatorGrace, Log, ctrlC.Token).ConfigureAwait(false);
                }
                catch (InvalidInputException) when (!first)
                {
                    // The coordinator is being restarted: keep trying until it is back or the worker is stopped.
                    Log($"worker {workerId}: no coordinator at {seeds} yet; trying again");
                    continue;
                }
                catch (OperationCanceledException) when (ctrlC.Token.IsCancellationRequested)
                {
                    break;
                }

                first = false;
                await using (node.ConfigureAwait(false))
                {
                    IWorkerTransport transport = node.Worker(workerId);
                    await using (transport.ConfigureAwait(false))
                    {
                        var service = new WorkerService(transport, executor, TimeSpan.FromSeconds(2), Log);
                        using var lost = CancellationTokenSource.CreateLinkedTokenSource(ctrlC.Token);
                        _ = node.CoordinatorLost.ContinueWith(_ => lost.Cancel(), TaskScheduler.Default);
                        Log($"worker {workerId}: waiting for jobs");
                        await service.RunAsync(lost.Token).ConfigureAwait(false);
                        evaluations += service.Evaluations;
                        rejected += service.Rejected;
                        if (!node.CoordinatorLost.IsCompleted || ctrlC.Token.IsCancellationRequested)
                        {
                            break; // stopped by the dashboard or by a signal
                        }

                        Log($"worker {workerId}: the cluster has had no coordinator for {CoordinatorGrace.TotalSeconds:F0} s; joining again");
                    }
                }
            }

            bool signalled = ctrlC.Token.IsCancellationRequested;
            Log($"worker {workerId}: stopped{(signalled ? " by a signal" : "")} after {evaluations:N0} evaluations ({rejected} jobs rejected)");
            return signalled ? FoolingApp.Interrupted : FoolingApp.Success;
        });
        return command;
    }

    private static Uri ParseUri(string text, string option, params string[] schemes)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || !schemes.Contains(uri.Scheme))
        {
            throw new InvalidInputException($"{option} must be an absolute {string.Join(" or ", schemes)} address (got '{text}')");
        }

        return uri;
    }
}
