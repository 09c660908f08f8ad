using Akka.Actor;
using FoolingCluster.Tensors;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>Starting a cluster node and waiting for it to become a member of its cluster.</summary>
internal static class ClusterMembership
{
    /// <summary>Starts the node <paramref name="configure"/> composes and waits until it is up in the cluster; a node that cannot join is stopped again.</summary>
    /// <exception cref="InvalidInputException">No seed answered within <paramref name="joinTimeout"/>, or the listening port is taken.</exception>
    public static async Task<NodeHost> StartJoinedAsync(Action<Akka.Hosting.AkkaConfigurationBuilder> configure, NodeSettings settings, TimeSpan joinTimeout, CancellationToken cancel)
    {
        NodeHost host = await NodeHost.StartAsync(configure, cancel, settings.Listen).ConfigureAwait(false);
        try
        {
            await WaitUpAsync(host.System, settings, joinTimeout, cancel).ConfigureAwait(false);
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return host;
    }

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
