using Akka.Actor;
using FoolingCluster.Tensors;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>Waiting for a node to become a member of its cluster.</summary>
internal static class ClusterMembership
{
    /// <summary>Completes once this node is up in the cluster, or refuses after <paramref name="timeout"/> naming the seeds it tried.</summary>
    /// <exception cref="InvalidInputException">No seed answered in time.</exception>
    public static async Task WaitUpAsync(ActorSystem system, NodeSettings settings, TimeSpan timeout, CancellationToken cancel)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        try
        {
            await up.Task.WaitAsync(timeout, cancel).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            string seeds = settings.Seeds.Count > 0 ? string.Join(", ", settings.Seeds) : settings.Listen.ToString();
            throw new InvalidInputException($"could not join the cluster through {seeds} within {timeout.TotalSeconds:F0} s: is a coordinator running there, and is the port open?");
        }
    }
}
