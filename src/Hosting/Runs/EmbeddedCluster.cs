using FoolingCluster.Coordinator.Search;
using FoolingCluster.Coordinator.Transport;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Persistence;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Worker;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Models;
using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Hosting.Runs;

/// <summary>
/// The embedded default: the coordinator's generation evaluator and N worker actors in one
/// actor system in this process (<see cref="EmbeddedNode"/>) — the same job board, pull
/// protocol and checks as a cluster, without a network.
/// </summary>
internal sealed class EmbeddedCluster<TGenome> : IAsyncDisposable
{
    private readonly CancellationTokenSource _workersStop = new();
    private readonly Task[] _workers;

    private readonly IAsyncDisposable _node;
    private readonly ActorRunStore _store;

    private EmbeddedCluster(ClusterGenerationEvaluator<TGenome> evaluator, RunSpecMessage spec, Task[] workers, IAsyncDisposable node, ActorRunStore store)
    {
        Evaluator = evaluator;
        Spec = spec;
        _workers = workers;
        _node = node;
        _store = store;
    }

    /// <summary>Where the run's generations and snapshots are kept: its journal on this node.</summary>
    public IRunStore Store => _store;

    /// <summary>The run as jobs describe it; its model address may be filled in once the HTTP API is up, before the first job goes out.</summary>
    public RunSpecMessage Spec { get; }

    /// <summary>Runs generations on the embedded workers.</summary>
    public ClusterGenerationEvaluator<TGenome> Evaluator { get; }

    /// <summary>
    /// Starts <paramref name="workers"/> in-process workers serving the run in
    /// <paramref name="runFolder"/>, or, given a coordinator's <paramref name="clusterNode"/>
    /// (owned from now on, and started with a journal), only the coordinator's side, its workers
    /// joining the cluster. The embedded node keeps the run's journal in the run folder (SQLite).
    /// </summary>
    public static EmbeddedCluster<TGenome> Start(string runId, string runFolder, EvolutionConfig config, IEncoding<TGenome> encoding, Evaluator<TGenome> verifier, int workers, Action<string> log, CoordinatorNode? clusterNode = null)
    {
        EmbeddedNode? node = clusterNode is null ? EmbeddedNode.StartAsync(log, CancellationToken.None, JournalStore.Sqlite(Path.Combine(runFolder, RunFiles.Store))).GetAwaiter().GetResult() : null;
        ActorRunStore store = clusterNode?.RunStore(runId) ?? node!.RunStore(runId);
        ICoordinatorTransport? external = clusterNode?.Coordinator;
        var models = new LocalModelSource(RunFiles.ModelIn(runFolder));
        var spec = new RunSpecMessage
        {
            RunId = runId,
            Encoding = encoding.Name,
            Channels = encoding.Shape.Channels,
            Height = encoding.Shape.Height,
            Width = encoding.Shape.Width,
            Classes = verifier.Classifier.Classes,
            SettingsJson = encoding.Name == CppnEncoding.EncodingName ? StrictJson.Serialize(config.Cppn) : StrictJson.Serialize(config.Direct),
            ModelSha256 = models.Sha256,
            ModelBackend = ModelBackendIn(runFolder),
        };
        // In a cluster the workers come and go: each generation's jobs are sized by the workers
        // present, unless the configuration fixes the size. Jobs that travel are also kept within
        // the message limit: a direct genome at ImageNet size is 602 KB, so its jobs hold fewer children.
        int jobSize = external is null ? config.JobSizeFor(workers) : config.JobSize;
        var evaluator = new ClusterGenerationEvaluator<TGenome>(external ?? node!.Coordinator, encoding, spec, verifier, jobSize, log, trustedWorkers: external is null)
        {
            MostChildrenPerJob = external is null ? int.MaxValue : MessageLimits.ChildrenPerJob(GenomeBytes(encoding)),
        };
        var cluster = new EmbeddedCluster<TGenome>(evaluator, spec, new Task[workers], (IAsyncDisposable?)clusterNode ?? node!, store);
        for (int i = 0; i < workers; i++)
        {
            string id = $"embedded-{i + 1}";
            IWorkerTransport transport = node!.Worker(id);
            var service = new WorkerService(transport, new JobExecutor(id, models), TimeSpan.FromSeconds(2), log);
            cluster._workers[i] = Task.Run(async () =>
            {
                await using (transport.ConfigureAwait(false))
                {
                    await service.RunAsync(cluster._workersStop.Token).ConfigureAwait(false);
                }
            });
        }

        return cluster;
    }

    /// <summary>Bytes a genome takes in a message, at most: a direct genome's floats, or a generous bound for a CPPN.</summary>
    private static long GenomeBytes(IEncoding<TGenome> encoding) =>
        encoding.Name == DirectEncoding.EncodingName ? (4L * encoding.Shape.Channels * encoding.Shape.Height * encoding.Shape.Width) + 64 : 64 << 10;

    /// <summary>What runs the run folder's target, as its sidecar records it (how this run and its resumes load it).</summary>
    private static string ModelBackendIn(string runFolder)
    {
        string sidecar = ModelCheckpoint.SidecarPath(RunFiles.ModelIn(runFolder));
        return File.Exists(sidecar) ? ModelBackends.JobName(ModelSidecar.Load(sidecar)) : string.Empty;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _workersStop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        await Evaluator.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        await _node.DisposeAsync().ConfigureAwait(false);

        _workersStop.Dispose();
    }
}
