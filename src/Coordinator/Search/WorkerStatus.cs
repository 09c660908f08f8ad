namespace FoolingCluster.Coordinator.Search;

/// <summary>What the coordinator knows of one worker.</summary>
/// <param name="WorkerId">Its id.</param>
/// <param name="Host">Machine it runs on.</param>
/// <param name="Threads">Kernel threads it uses.</param>
/// <param name="State">"idle", "working" or "paused", as of its last heartbeat; or what the cluster's membership says of its node since (<see cref="WorkerStates"/>).</param>
/// <param name="LastHeartbeatUtc">When its last heartbeat arrived.</param>
/// <param name="Evaluations">Evaluations in results accepted from it.</param>
/// <param name="EvaluationsPerSecond">Its own rate, from its last heartbeat.</param>
/// <param name="Results">Results accepted from it.</param>
/// <param name="Rejected">Messages from it that failed the checks.</param>
public sealed record WorkerStatus(string WorkerId, string Host, int Threads, string State, DateTime LastHeartbeatUtc, long Evaluations, double EvaluationsPerSecond, int Results, int Rejected);

/// <summary>
/// The states the job board reports for a worker from the cluster's membership rather than from
/// the worker's heartbeats: a state message, not a heartbeat, so its time is not a sign of life.
/// </summary>
public static class WorkerStates
{
    /// <summary>The cluster no longer has the worker: it stopped, left, or its node was downed.</summary>
    public const string Gone = "gone";

    /// <summary>The worker's node missed its heartbeats: it is downed if it stays silent, its jobs then going to others.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>Whether <paramref name="state"/> came from the membership, not from the worker.</summary>
    public static bool FromMembership(string state) => state is Gone or Unreachable;
}
