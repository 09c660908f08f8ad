using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Runs;
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

    private EmbeddedCluster(ClusterGenerationEvaluator<TGenome> evaluator, Task[] workers)
    {
        Evaluator = evaluator;
        _workers = workers;
    }

    /// <summary>Runs generations on the embedded workers.</summary>
    public ClusterGenerationEvaluator<TGenome> Evaluator { get; }

    /// <summary>Starts <paramref name="workers"/> workers serving the run in <paramref name="runFolder"/>.</summary>
    public static EmbeddedCluster<TGenome> Start(string runId, string runFolder, EvolutionConfig config, IEncoding<TGenome> encoding, Evaluator<TGenome> verifier, int workers, Action<string> log)
    {
        var broker = new InProcessBroker { Dropped = log };
        var models = new LocalModelSource(Path.Combine(runFolder, RunFiles.Model));
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
        };
        var evaluator = new ClusterGenerationEvaluator<TGenome>(broker.Coordinator(), encoding, spec, verifier, config.JobSizeFor(workers), log);
        var cluster = new EmbeddedCluster<TGenome>(evaluator, new Task[workers]);
        for (int i = 0; i < workers; i++)
        {
            var service = new WorkerService(broker.Worker(), new JobExecutor($"embedded-{i + 1}", models), TimeSpan.FromSeconds(2), log);
            cluster._workers[i] = Task.Run(() => service.RunAsync(cluster._workersStop.Token));
        }

        return cluster;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _workersStop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        await Evaluator.DisposeAsync().ConfigureAwait(false);
        _workersStop.Dispose();
    }
}
