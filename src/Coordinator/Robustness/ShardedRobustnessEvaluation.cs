using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Protocol.Transport;
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
/// <see cref="ResendAfter"/>, or whose result was refused, are sent again.
/// </summary>
/// <param name="transport">The coordinator's side of the broker.</param>
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

        var results = new RobustnessResult?[slices];
        var sentAt = new DateTime[slices];
        int done = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        for (int s = 0; s < slices; s++)
        {
            await transport.PublishJobAsync(jobs[s], stop.Token).ConfigureAwait(false);
            sentAt[s] = DateTime.UtcNow;
        }

        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        async Task ReceiveAsync()
        {
            await foreach (IDelivery<WorkerMessage> delivery in transport.ReceiveAsync(stop.Token).ConfigureAwait(false))
            {
                RobustnessResultMessage? message = delivery.Message.BodyCase == WorkerMessage.BodyOneofCase.Robustness ? delivery.Message.Robustness : null;
                if (message is not null && message.RunId == spec.RunId && message.JobId >= 0 && message.JobId < slices)
                {
                    int s = (int)message.JobId;
                    bool open;
                    lock (gate)
                    {
                        open = results[s] is null;
                    }

                    if (open)
                    {
                        try
                        {
                            RobustnessResult accepted = RobustnessResultCheck.Check(message, plan, sliceImages[s], sliceLabels[s], referee);
                            int now;
                            lock (gate)
                            {
                                results[s] = accepted;
                                now = ++done;
                            }

                            progress?.Report(new SliceProgress(now, slices, message.WorkerId));
                            if (now == slices)
                            {
                                finished.TrySetResult();
                            }
                        }
                        catch (RefusedResultException ex)
                        {
                            Refused++;
                            log?.Invoke(ex.Message + "; the slice goes out again");
                            await transport.PublishJobAsync(jobs[s], stop.Token).ConfigureAwait(false);
                            lock (gate)
                            {
                                sentAt[s] = DateTime.UtcNow;
                            }
                        }
                    }
                }

                // Results live in memory until the evaluation ends; an evaluation that dies is run again whole.
                await delivery.AckAsync().ConfigureAwait(false);
            }
        }

        async Task ResendAsync()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(ResendAfter.TotalSeconds / 4, 0.05, 30)));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                for (int s = 0; s < slices; s++)
                {
                    bool late;
                    lock (gate)
                    {
                        late = results[s] is null && DateTime.UtcNow - sentAt[s] > ResendAfter;
                        if (late)
                        {
                            sentAt[s] = DateTime.UtcNow;
                        }
                    }

                    if (late)
                    {
                        log?.Invoke($"robustness slice {s} has been out for over {ResendAfter.TotalMinutes:G3} min; sending it again");
                        await transport.PublishJobAsync(jobs[s], stop.Token).ConfigureAwait(false);
                    }
                }
            }
        }

        Task receiving = ReceiveAsync();
        Task resending = ResendAsync();
        try
        {
            Task first = await Task.WhenAny(finished.Task, receiving, resending).ConfigureAwait(false);
            await first.ConfigureAwait(false);
            cancel.ThrowIfCancellationRequested();
            if (!finished.Task.IsCompleted)
            {
                throw new InvalidOperationException($"the broker stopped delivering results with {slices - done} of {slices} robustness slices outstanding");
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Quietly(receiving).ConfigureAwait(false);
            await Quietly(resending).ConfigureAwait(false);
        }

        return RobustnessResult.Concatenate([.. results.Select(r => r!)]);
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
