using FoolingCluster.Coordinator.Search;

namespace FoolingCluster.Hosting.Runs;

/// <summary>
/// <c>coordinator --wait-for-workers N</c>: holds the run back until N workers are in the
/// cluster, so that its first generations are not computed by whichever worker joined first
/// (and a timed run does not count the others' joining).
/// </summary>
internal static class WorkerQuorum
{
    /// <summary>How often the worker view is read while waiting.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Waits until <paramref name="count"/> workers have reported (a heartbeat, sent when a
    /// worker joins) and are not gone, saying so on <paramref name="log"/> as they come, or until
    /// <paramref name="stop"/> fires.
    /// </summary>
    public static void WaitFor(WorkerRegistry workers, int count, Action<string> log, CancellationToken stop)
    {
        int said = -1;
        while (true)
        {
            int present = workers.Present();
            if (present >= count)
            {
                log($"{present} of {count} workers are in the cluster; starting");
                return;
            }

            if (present != said)
            {
                log($"waiting for workers before running: {present} of {count} in the cluster");
                said = present;
            }

            if (stop.WaitHandle.WaitOne(Poll))
            {
                return;
            }
        }
    }
}
