using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Coordinator.Search;

/// <summary>The workers seen so far, updated from heartbeats and results; safe to read from any thread.</summary>
public sealed class WorkerRegistry
{
    /// <summary>Most workers tracked; a flood of made-up worker ids must not grow the table without bound.</summary>
    public const int MaxWorkers = 10_000;

    private readonly Dictionary<string, WorkerStatus> _workers = [];
    private readonly Lock _gate = new();

    /// <summary>Every worker seen, by id.</summary>
    public IReadOnlyList<WorkerStatus> Snapshot()
    {
        lock (_gate)
        {
            return [.. _workers.Values.OrderBy(w => w.WorkerId, StringComparer.Ordinal)];
        }
    }

    /// <summary>Workers the cluster still has: every one seen but those its membership reports gone or unreachable.</summary>
    public int Present()
    {
        lock (_gate)
        {
            return _workers.Values.Count(w => !WorkerStates.FromMembership(w.State));
        }
    }

    /// <summary>Records a heartbeat, or a state the board reports from the cluster's membership (<see cref="WorkerStates"/>), which changes only the state.</summary>
    public void Heartbeat(HeartbeatMessage heartbeat)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        if (WorkerStates.FromMembership(heartbeat.State))
        {
            Update(heartbeat.WorkerId, w => w with { Host = w.Host.Length > 0 ? w.Host : Truncate(heartbeat.Host), Threads = w.Threads > 0 ? w.Threads : heartbeat.Threads, State = heartbeat.State, EvaluationsPerSecond = 0 });
            return;
        }

        Update(heartbeat.WorkerId, w => w with
        {
            Host = Truncate(heartbeat.Host),
            Threads = heartbeat.Threads,
            State = Truncate(heartbeat.State),
            LastHeartbeatUtc = DateTime.UtcNow,
            EvaluationsPerSecond = double.IsFinite(heartbeat.EvaluationsPerSecond) ? heartbeat.EvaluationsPerSecond : 0,
        });
    }

    /// <summary>Counts an accepted result.</summary>
    public void Accepted(string workerId, int evaluations) =>
        Update(workerId, w => w with { Results = w.Results + 1, Evaluations = w.Evaluations + evaluations });

    /// <summary>Counts a rejected message.</summary>
    public void Rejected(string workerId) => Update(workerId, w => w with { Rejected = w.Rejected + 1 });

    private void Update(string workerId, Func<WorkerStatus, WorkerStatus> change)
    {
        string id = Truncate(string.IsNullOrEmpty(workerId) ? "(unnamed)" : workerId);
        lock (_gate)
        {
            if (!_workers.TryGetValue(id, out WorkerStatus? current))
            {
                if (_workers.Count >= MaxWorkers)
                {
                    return;
                }

                current = new WorkerStatus(id, string.Empty, 0, "unknown", DateTime.MinValue, 0, 0, 0, 0);
            }

            _workers[id] = change(current);
        }
    }

    private static string Truncate(string text) => text.Length <= 128 ? text : text[..128];
}
