using FoolingCluster.Coordinator.Transport;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Coordinator.Sharding;

/// <summary>A worker's result that does not hold up; its job is run again elsewhere.</summary>
public sealed class RefusedResultException(string message) : Exception(message);

/// <summary>Which job of which run a worker message answers, and who sent it.</summary>
/// <param name="RunId">The run the answer names.</param>
/// <param name="JobId">The job it answers.</param>
/// <param name="WorkerId">The worker that ran it.</param>
public readonly record struct ShardReply(string RunId, long JobId, string WorkerId);

/// <summary>One job's result came back and passed its checks.</summary>
/// <typeparam name="TResult">What a checked result is.</typeparam>
/// <param name="Job">Its index among the jobs (= its job id).</param>
/// <param name="Done">Jobs accepted so far, this one included.</param>
/// <param name="Total">Jobs in all.</param>
/// <param name="WorkerId">The worker that ran it.</param>
/// <param name="Result">The checked result.</param>
public sealed record ShardAccepted<TResult>(int Job, int Done, int Total, string WorkerId, TResult Result);

/// <summary>
/// Hands a fixed list of jobs to the cluster's workers and collects one checked result per job,
/// whichever worker finishes first. A job whose result is refused goes out again at once; a job
/// still unanswered after <see cref="ResendAfter"/> goes out again too (a worker may have rejected
/// it, or it was lost); answers to jobs already done, and messages of other runs, are ignored.
/// Results live in memory until the last one arrives: a computation whose coordinator dies is run
/// again whole.
/// </summary>
/// <param name="transport">The coordinator's side of the cluster.</param>
/// <param name="runId">The run every job and answer names.</param>
/// <param name="kind">What one job is, for log lines ("robustness slice", "VAE job").</param>
/// <param name="log">Told about refused results and resent jobs; null for silence.</param>
public sealed class ShardedJobs(ICoordinatorTransport transport, string runId, string kind, Action<string>? log = null)
{
    /// <summary>
    /// How long a job may stay out at least before it is sent again; once results come back, at
    /// least three times the longest any accepted job was out, so jobs that are merely slow (ABS
    /// attacks take minutes an image) are not computed twice.
    /// </summary>
    public TimeSpan ResendAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Results refused so far.</summary>
    public int Refused { get; private set; }

    /// <summary>Sends every job and waits until each has an accepted result.</summary>
    /// <typeparam name="TResult">What a checked result is.</typeparam>
    /// <param name="jobs">The jobs; job i has job id i.</param>
    /// <param name="reply">Which job a worker message answers, or null for messages that answer none of this kind (heartbeats, other kinds of result).</param>
    /// <param name="check">Turns job i's answer into its result, or throws <see cref="RefusedResultException"/>. Called for one answer at a time.</param>
    /// <param name="accepted">Called, one at a time, as each job's result is accepted (before the next answer is read).</param>
    /// <param name="cancel">Stops waiting.</param>
    /// <returns>The results in job order.</returns>
    /// <exception cref="InvalidOperationException">The transport stopped delivering answers before every job had one.</exception>
    public async Task<TResult[]> RunAsync<TResult>(
        IReadOnlyList<JobMessage> jobs, Func<WorkerMessage, ShardReply?> reply, Func<int, WorkerMessage, TResult> check,
        Action<ShardAccepted<TResult>>? accepted, CancellationToken cancel)
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(check);
        int count = jobs.Count;
        for (int j = 0; j < count; j++)
        {
            if (jobs[j].JobId != j)
            {
                throw new ArgumentException($"job {j} has job id {jobs[j].JobId}; job ids must be the jobs' positions", nameof(jobs));
            }
        }

        var results = new TResult?[count];
        var sentAt = new DateTime[count];
        TimeSpan slowest = TimeSpan.Zero;
        int done = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        for (int j = 0; j < count; j++)
        {
            await transport.PublishJobAsync(jobs[j], stop.Token).ConfigureAwait(false);
            sentAt[j] = DateTime.UtcNow;
        }

        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (count == 0)
        {
            finished.SetResult();
        }

        var gate = new Lock();
        async Task ReceiveAsync()
        {
            await foreach (WorkerMessage message in transport.ReceiveAsync(stop.Token).ConfigureAwait(false))
            {
                if (reply(message) is { } answer && answer.RunId == runId && answer.JobId >= 0 && answer.JobId < count)
                {
                    int j = (int)answer.JobId;
                    bool open;
                    lock (gate)
                    {
                        open = results[j] is null;
                    }

                    if (open)
                    {
                        try
                        {
                            TResult result = check(j, message);
                            int now;
                            lock (gate)
                            {
                                results[j] = result;
                                now = ++done;
                                TimeSpan took = DateTime.UtcNow - sentAt[j];
                                slowest = took > slowest ? took : slowest;
                            }

                            accepted?.Invoke(new ShardAccepted<TResult>(j, now, count, answer.WorkerId, result));
                            if (now == count)
                            {
                                finished.TrySetResult();
                            }
                        }
                        catch (RefusedResultException ex)
                        {
                            Refused++;
                            log?.Invoke($"{ex.Message}; the {kind} goes out again");
                            await transport.PublishJobAsync(jobs[j], stop.Token).ConfigureAwait(false);
                            lock (gate)
                            {
                                sentAt[j] = DateTime.UtcNow;
                            }
                        }
                    }
                }
            }
        }

        async Task ResendAsync()
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(ResendAfter.TotalSeconds / 4, 0.05, 30)));
            while (await timer.WaitForNextTickAsync(stop.Token).ConfigureAwait(false))
            {
                for (int j = 0; j < count; j++)
                {
                    bool late;
                    TimeSpan patience;
                    lock (gate)
                    {
                        patience = TimeSpan.FromTicks(Math.Max(ResendAfter.Ticks, 3 * slowest.Ticks));
                        late = results[j] is null && DateTime.UtcNow - sentAt[j] > patience;
                        if (late)
                        {
                            sentAt[j] = DateTime.UtcNow;
                        }
                    }

                    if (late)
                    {
                        log?.Invoke($"{kind} {j} has been out for over {patience.TotalMinutes:G3} min; sending it again");
                        await transport.PublishJobAsync(jobs[j], stop.Token).ConfigureAwait(false);
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
                throw new InvalidOperationException($"the cluster stopped delivering results with {count - done} of {count} {kind}s outstanding");
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Quietly(receiving).ConfigureAwait(false);
            await Quietly(resending).ConfigureAwait(false);
        }

        return [.. results.Select(r => r!)];
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
