using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Coordinator.Abs;
using FoolingCluster.Coordinator.Http;
using FoolingCluster.Coordinator.Robustness;
using FoolingCluster.Coordinator.Sharding;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Models.Data;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;

namespace FoolingCluster.Hosting.Runs;

/// <summary>The model a coordinator serves its workers, and the address it serves it on.</summary>
/// <param name="Model">The weights file as loaded here, beside the sidecar it was loaded by.</param>
/// <param name="RunId">The run the jobs belong to.</param>
/// <param name="Data">Shape of one image.</param>
/// <param name="Listen">HOST:PORT the model server binds.</param>
/// <param name="Advertise">Address workers use to reach it, if not the bound one.</param>
public sealed record ServedTarget(LoadedModel Model, string RunId, (int Channels, int Height, int Width) Data, string Listen, string? Advertise);

/// <summary>
/// The composition roots of the coordinator's other jobs: a robustness evaluation in slices and
/// the ABS model's VAE training by class, each on a cluster node whose workers join it.
/// </summary>
public static class ShardedJobHost
{
    /// <summary>Hands the slices to the workers that join this node's cluster, serving them the model, and waits for all of them.</summary>
    /// <param name="cluster">The coordinator's node settings.</param>
    /// <param name="joinTimeout">How long the node tries to join its cluster.</param>
    /// <param name="target">The model and where workers fetch it.</param>
    /// <param name="plan">The attacks per norm, and the seed.</param>
    /// <param name="referee">The coordinator's copy of the model, which checks each slice's adversarials.</param>
    /// <param name="images">The images, <c>[N,C,H,W]</c>.</param>
    /// <param name="labels">Their labels, <c>[N]</c>.</param>
    /// <param name="sliceSize">Images per job.</param>
    /// <param name="log">Receives the host's lines and one per accepted slice.</param>
    /// <param name="cancel">Stops waiting (a signal).</param>
    public static async Task<RobustnessResult> EvaluateRobustnessAsync(NodeSettings cluster, TimeSpan joinTimeout, ServedTarget target, RobustnessPlan plan, IAttackModel referee, Tensor images, int[] labels, int sliceSize, Action<string> log, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(log);
        string weights = target.Model.Path;
        string sha = ContentHash.OfFile(weights);
        await using ModelServer server = await ModelServer.StartAsync(target.Listen, (weights, ModelCheckpoint.SidecarPath(weights), sha), cancel).ConfigureAwait(false);
        log($"starting the cluster node at {cluster.Listen}");
        await using CoordinatorNode node = await CoordinatorNode.StartAsync(cluster, joinTimeout, log, cancel).ConfigureAwait(false);
        var spec = new RunSpecMessage
        {
            RunId = target.RunId,
            Encoding = "robustness",
            Channels = target.Data.Channels,
            Height = target.Data.Height,
            Width = target.Data.Width,
            Classes = target.Model.Sidecar.Classes,
            ModelSha256 = sha,
            ModelUrl = WorkerInstructions.ModelUrl(target.Advertise, server.Uri),
            ModelBackend = ModelBackends.JobName(target.Model.Sidecar),
        };
        int slices = (labels.Length + sliceSize - 1) / sliceSize;
        log($"{slices} slices of up to {sliceSize} images go to the workers; they fetch the model from {spec.ModelUrl}; start workers with: {WorkerInstructions.WorkerCommandLine(cluster, node.Address)}");
        var sharded = new ShardedRobustnessEvaluation(node.Coordinator, spec, referee, log);
        var progress = new SynchronousProgress<SliceProgress>(p => log($"[{p.Done}/{p.Total}] slice from worker {p.WorkerId} checked and accepted"));
        RobustnessResult result = await sharded.RunAsync(plan, images, labels, sliceSize, progress, cancel).ConfigureAwait(false);
        if (sharded.Refused > 0)
        {
            log($"{sharded.Refused} results were refused and their slices run again");
        }

        return result;
    }

    /// <summary>Trains the ten VAEs of an ABS model on the workers that join this node's cluster, one class per job.</summary>
    /// <param name="cluster">The coordinator's node settings.</param>
    /// <param name="joinTimeout">How long the node tries to join its cluster.</param>
    /// <param name="runId">The training run's id.</param>
    /// <param name="config">The training's settings.</param>
    /// <param name="train">The training images.</param>
    /// <param name="start">VAEs to continue, by class; null to start afresh.</param>
    /// <param name="started">Receives, once the node is up, the command that starts a worker.</param>
    /// <param name="accepted">Receives each class's VAE once it has passed its checks.</param>
    /// <param name="warn">Receives the node's and the checks' lines.</param>
    /// <param name="cancel">Stops waiting (a signal).</param>
    /// <returns>The ten VAEs, by class, and how many results were refused on the way.</returns>
    public static async Task<(TrainedVae[] Vaes, int Refused)> TrainAbsAsync(NodeSettings cluster, TimeSpan joinTimeout, string runId, AbsTrainingConfig config, ImageDataset train, IReadOnlyList<ClassVae>? start, Action<string> started, Action<ShardAccepted<TrainedVae>> accepted, Action<string> warn, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(started);
        await using CoordinatorNode node = await CoordinatorNode.StartAsync(cluster, joinTimeout, warn, cancel).ConfigureAwait(false);
        // A VAE trains fastest on one thread: one worker per core.
        started(WorkerInstructions.WorkerCommandLine(cluster, node.Address) + " --threads 1");
        var sharded = new ShardedAbsTraining(node.Coordinator, runId, warn);
        TrainedVae[] vaes = await sharded.RunAsync(config, train, start, accepted, cancel).ConfigureAwait(false);
        return (vaes, sharded.Refused);
    }
}
