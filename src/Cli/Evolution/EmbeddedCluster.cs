using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Runs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Protocol.Transport;
using FoolingCluster.Worker;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Models;

namespace FoolingCluster.Cli.Evolution;

/// <summary>
/// The embedded default: the coordinator's generation evaluator and N workers in this
/// process, joined by the in-process transport — the same code paths as a cluster over
/// RabbitMQ, without a broker.
/// </summary>
internal sealed class EmbeddedCluster<TGenome> : IAsyncDisposable
{
    private readonly CancellationTokenSource _workersStop = new();
    private readonly Task[] _workers;

    private readonly ICoordinatorTransport? _external;

    private EmbeddedCluster(ClusterGenerationEvaluator<TGenome> evaluator, RunSpecMessage spec, Task[] workers, ICoordinatorTransport? external)
    {
        Evaluator = evaluator;
        Spec = spec;
        _workers = workers;
        _external = external;
    }

    /// <summary>The run as jobs describe it; its model address may be filled in once the HTTP API is up, before the first job goes out.</summary>
    public RunSpecMessage Spec { get; }

    /// <summary>Runs generations on the embedded workers.</summary>
    public ClusterGenerationEvaluator<TGenome> Evaluator { get; }

    /// <summary>
    /// Starts <paramref name="workers"/> in-process workers serving the run in
    /// <paramref name="runFolder"/>, or, given an <paramref name="external"/> transport (a
    /// coordinator's RabbitMQ connection, owned from now on), only the coordinator's side.
    /// </summary>
    public static EmbeddedCluster<TGenome> Start(string runId, string runFolder, EvolutionConfig config, IEncoding<TGenome> encoding, Evaluator<TGenome> verifier, int workers, Action<string> log, ICoordinatorTransport? external = null)
    {
        var broker = new InProcessBroker { Dropped = log };
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
        // Over a broker the number of workers is unknown: a generation goes out as jobs of 50
        // unless the configuration says otherwise.
        int jobSize = external is null ? config.JobSizeFor(workers) : (config.JobSize > 0 ? config.JobSize : 50);
        var evaluator = new ClusterGenerationEvaluator<TGenome>(external ?? broker.Coordinator(), encoding, spec, verifier, jobSize, log, trustedWorkers: external is null);
        var cluster = new EmbeddedCluster<TGenome>(evaluator, spec, new Task[workers], external);
        for (int i = 0; i < workers; i++)
        {
            var service = new WorkerService(broker.Worker(), new JobExecutor($"embedded-{i + 1}", models), TimeSpan.FromSeconds(2), log);
            cluster._workers[i] = Task.Run(() => service.RunAsync(cluster._workersStop.Token));
        }

        return cluster;
    }

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
        if (_external is not null)
        {
            await _external.DisposeAsync().ConfigureAwait(false);
        }

        _workersStop.Dispose();
    }
}
