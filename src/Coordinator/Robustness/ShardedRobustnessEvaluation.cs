using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Coordinator.Sharding;
using FoolingCluster.Coordinator.Transport;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;

namespace FoolingCluster.Coordinator.Robustness;

/// <summary>A slice of a sharded robustness evaluation came back and passed its checks.</summary>
/// <param name="Done">Slices accepted so far.</param>
/// <param name="Total">Slices in the evaluation.</param>
/// <param name="WorkerId">The worker that ran it.</param>
public sealed record SliceProgress(int Done, int Total, string WorkerId);

/// <summary>
/// A robustness evaluation spread over the cluster's workers: one job per slice of images,
/// each result checked by <see cref="RobustnessResultCheck"/> against the coordinator's own model,
/// the slices joined in image order whichever worker finished first. Slices missing after
/// <see cref="ResendAfter"/>, or whose result was refused, are sent again (<see cref="ShardedJobs"/>).
/// </summary>
/// <param name="transport">The coordinator's side of the cluster.</param>
/// <param name="spec">The run: its id, image shape, classes, and the model's hash and download address.</param>
/// <param name="referee">The coordinator's own copy of the model, for the checks.</param>
/// <param name="log">Told about refused results and resent slices; null for silence.</param>
public sealed class ShardedRobustnessEvaluation(ICoordinatorTransport transport, RunSpecMessage spec, IAttackModel referee, Action<string>? log = null)
{
    /// <summary>How long a slice may stay out before it is sent again.</summary>
    public TimeSpan ResendAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Results refused so far.</summary>
    public int Refused { get; private set; }

    /// <summary>Evaluates <paramref name="images"/> in slices of <paramref name="sliceSize"/> on the workers.</summary>
    /// <param name="plan">The attacks per norm.</param>
    /// <param name="images"><c>[N,C,H,W]</c> in [0,1].</param>
    /// <param name="labels">N true labels.</param>
    /// <param name="sliceSize">Images per job.</param>
    /// <param name="progress">Told as each slice is accepted.</param>
    /// <param name="cancel">Stops waiting.</param>
    public async Task<RobustnessResult> RunAsync(RobustnessPlan plan, Tensor images, int[] labels, int sliceSize, IProgress<SliceProgress>? progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(sliceSize, 1);
        int n = labels.Length;
        int size = images.Size / n;
        string planJson = plan.ToJson();
        int slices = (n + sliceSize - 1) / sliceSize;
        var jobs = new JobMessage[slices];
        var sliceImages = new Tensor[slices];
        var sliceLabels = new int[slices][];
        for (int s = 0; s < slices; s++)
        {
            int first = s * sliceSize;
            int count = Math.Min(sliceSize, n - first);
            float[] pixels = images.Span.Slice(first * size, count * size).ToArray();
            int[] shape = (int[])images.Shape.Clone();
            shape[0] = count;
            sliceImages[s] = Tensor.Wrap(pixels, shape);
            sliceLabels[s] = labels[first..(first + count)];
            var job = new JobMessage { Run = spec, JobId = s, Robustness = new RobustnessJobMessage { PlanJson = planJson, FirstImage = first, Images = FloatBytes.From(pixels) } };
            job.Robustness.Labels.AddRange(sliceLabels[s]);
            jobs[s] = job;
        }

        var sharding = new ShardedJobs(transport, spec.RunId, "robustness slice", log) { ResendAfter = ResendAfter };
        try
        {
            RobustnessResult[] results = await sharding.RunAsync(
                jobs,
                m => m.BodyCase == WorkerMessage.BodyOneofCase.Robustness ? new ShardReply(m.Robustness.RunId, m.Robustness.JobId, m.Robustness.WorkerId) : null,
                (s, m) => RobustnessResultCheck.Check(m.Robustness, plan, sliceImages[s], sliceLabels[s], referee),
                a => progress?.Report(new SliceProgress(a.Done, a.Total, a.WorkerId)),
                cancel).ConfigureAwait(false);
            return RobustnessResult.Concatenate(results);
        }
        finally
        {
            Refused += sharding.Refused;
        }
    }
}
