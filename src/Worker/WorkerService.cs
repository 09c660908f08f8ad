using System.Diagnostics;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Worker;

/// <summary>
/// A worker: takes jobs from the transport and runs them one at a time, publishes the result and
/// only then acknowledges the job (so a worker that dies mid-job has its job redelivered);
/// sends heartbeats; obeys pause, resume and stop.
/// </summary>
public sealed class WorkerService(IWorkerTransport transport, JobExecutor executor, TimeSpan heartbeatInterval, Action<string>? log = null)
{
    /// <summary>
    /// Jobs held at once: the one running and one ready, so a worker starts its next job the
    /// moment it publishes a result instead of idling for the round trip that asks for it
    /// (a breeding job of 50 CPPN children takes a few milliseconds, about a round trip).
    /// </summary>
    public const int JobsHeld = 2;

    private readonly Lock _gate = new();
    private TaskCompletionSource _resumed = CompletedSource();
    private long _evaluations;
    private string _state = "idle";

    /// <summary>Evaluations done since the worker started (images attacked, for robustness jobs; images times epochs, for VAE training jobs).</summary>
    public long Evaluations => Interlocked.Read(ref _evaluations);

    /// <summary>Jobs this worker refused as malformed.</summary>
    public int Rejected { get; private set; }

    /// <summary>Works until <paramref name="cancel"/> fires or a stop arrives.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Task control = ObeyControlAsync(stop);
        Task heartbeats = HeartbeatAsync(stop.Token);
        try
        {
            await foreach (IDelivery<JobMessage> delivery in transport.ReceiveJobsAsync(JobsHeld, stop.Token).ConfigureAwait(false))
            {
                await WaitWhilePausedAsync(stop.Token).ConfigureAwait(false);
                await RunJobAsync(delivery, stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(Quietly(control), Quietly(heartbeats)).ConfigureAwait(false);
        }
    }

    private async Task RunJobAsync(IDelivery<JobMessage> delivery, CancellationToken cancel)
    {
        JobMessage job = delivery.Message;
        _state = "working";
        try
        {
            WorkerMessage result = await Task.Run(() => executor.ExecuteAsync(job, cancel).AsTask(), cancel).ConfigureAwait(false);
            await transport.PublishAsync(result, cancel).ConfigureAwait(false);
            await delivery.AckAsync().ConfigureAwait(false);

            // A robustness slice counts one evaluation per image attacked, a VAE job one per image trained on per epoch.
            Interlocked.Add(ref _evaluations, result.Result?.Evaluations ?? job.Robustness?.Labels.Count ?? ((long?)job.VaeTraining?.Count * job.VaeTraining?.Epochs) ?? 0);
        }
        catch (Exception ex) when (cancel.IsCancellationRequested && ex is not InvalidInputException)
        {
            // Stopping mid-job: hand the job back at once, so another worker runs it without
            // waiting for this worker to be noticed gone; a result already published only arrives twice.
            log?.Invoke($"worker {executor.WorkerId}: stopping; job {job.JobId} goes back to the queue for another worker");
            await delivery.RejectAsync(requeue: true).ConfigureAwait(false);
            throw new OperationCanceledException($"job {job.JobId} abandoned", ex, cancel);
        }
        catch (InvalidInputException ex)
        {
            // A job that cannot be run here will not run anywhere: drop it rather than loop.
            Rejected++;
            log?.Invoke($"worker {executor.WorkerId}: rejected job {job.JobId}: {ex.Message}");
            await delivery.RejectAsync(requeue: false).ConfigureAwait(false);
        }
        finally
        {
            _state = "idle";
        }
    }

    private async Task ObeyControlAsync(CancellationTokenSource stop)
    {
        await foreach (ControlMessage control in transport.ReceiveControlAsync(stop.Token).ConfigureAwait(false))
        {
            switch (control.Command)
            {
                case ControlMessage.Types.Command.Pause:
                    lock (_gate)
                    {
                        if (_resumed.Task.IsCompleted)
                        {
                            _resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        }
                    }

                    break;
                case ControlMessage.Types.Command.Resume:
                    lock (_gate)
                    {
                        _resumed.TrySetResult();
                    }

                    break;
                case ControlMessage.Types.Command.Stop:
                    log?.Invoke($"worker {executor.WorkerId}: stop received");
                    await stop.CancelAsync().ConfigureAwait(false);
                    return;
                default:
                    break;
            }
        }
    }

    private async Task WaitWhilePausedAsync(CancellationToken cancel)
    {
        Task resumed;
        lock (_gate)
        {
            resumed = _resumed.Task;
        }

        if (!resumed.IsCompleted)
        {
            _state = "paused";
            await resumed.WaitAsync(cancel).ConfigureAwait(false);
        }
    }

    private async Task HeartbeatAsync(CancellationToken cancel)
    {
        long lastEvaluations = 0;
        long lastTime = Stopwatch.GetTimestamp();
        using var timer = new PeriodicTimer(heartbeatInterval);
        do
        {
            long now = Stopwatch.GetTimestamp();
            long evaluations = Evaluations;
            double seconds = Stopwatch.GetElapsedTime(lastTime, now).TotalSeconds;
            var heartbeat = new HeartbeatMessage
            {
                WorkerId = executor.WorkerId,
                Host = Environment.MachineName,
                Threads = Engine.Threads,
                Evaluations = evaluations,
                EvaluationsPerSecond = seconds > 0 ? (evaluations - lastEvaluations) / seconds : 0,
                UnixMillis = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                State = _state,
            };
            (lastEvaluations, lastTime) = (evaluations, now);
            await transport.PublishAsync(new WorkerMessage { Heartbeat = heartbeat }, cancel).ConfigureAwait(false);
        }
        while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false));
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

    private static TaskCompletionSource CompletedSource()
    {
        var source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        source.SetResult();
        return source;
    }
}
