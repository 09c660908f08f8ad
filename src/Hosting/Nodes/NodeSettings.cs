using System.Security.Cryptography.X509Certificates;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>How a cluster node reaches the others.</summary>
/// <param name="Listen">Where this node's remoting listens.</param>
/// <param name="Seeds">Nodes to join through; empty on the first coordinator, which joins itself.</param>
public sealed record NodeSettings(NodeAddress Listen, IReadOnlyList<NodeAddress> Seeds)
{
    /// <summary>How long a node that stopped answering is given before it is downed and its jobs go to others.</summary>
    public TimeSpan DownUnreachableAfter { get; init; } = TimeSpan.FromSeconds(7);

    /// <summary>How long a node may be silent before the others suspect it.</summary>
    public TimeSpan HeartbeatPause { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The cluster's certificate (with its private key), the same file on every node: with it,
    /// remoting runs over TLS and a node accepts a peer only if it presents this very
    /// certificate. Null: unencrypted, which the commands allow only on loopback or when asked.
    /// </summary>
    public X509Certificate2? Certificate { get; init; }
}
