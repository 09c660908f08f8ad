namespace FoolingCluster.Coordinator.Search;

/// <summary>What the coordinator knows of one worker.</summary>
/// <param name="WorkerId">Its id.</param>
/// <param name="Host">Machine it runs on.</param>
/// <param name="Threads">Kernel threads it uses.</param>
/// <param name="State">"idle", "working" or "paused", as of its last heartbeat.</param>
/// <param name="LastHeartbeatUtc">When its last heartbeat arrived.</param>
/// <param name="Evaluations">Evaluations in results accepted from it.</param>
/// <param name="EvaluationsPerSecond">Its own rate, from its last heartbeat.</param>
/// <param name="Results">Results accepted from it.</param>
/// <param name="Rejected">Messages from it that failed the checks.</param>
public sealed record WorkerStatus(string WorkerId, string Host, int Threads, string State, DateTime LastHeartbeatUtc, long Evaluations, double EvaluationsPerSecond, int Results, int Rejected);
