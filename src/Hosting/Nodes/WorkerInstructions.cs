namespace FoolingCluster.Hosting.Nodes;

/// <summary>What a coordinator tells its workers, and the user who starts them: where the model is fetched from, and the command that starts a worker.</summary>
public static class WorkerInstructions
{
    /// <summary>The command that starts a worker for the coordinator at <paramref name="bound"/>, for log lines that tell the user what to run.</summary>
    /// <param name="coordinator">The coordinator's node settings (whether the cluster uses TLS).</param>
    /// <param name="bound">The address the coordinator's node is bound to.</param>
    public static string WorkerCommandLine(NodeSettings coordinator, NodeAddress bound)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        ArgumentNullException.ThrowIfNull(bound);
        string tls = coordinator.Certificate is null ? "" : " --tls <the same certificate file>";
        string listen = bound.IsLoopback ? "" : $" --cluster <this machine's IP>:0{(coordinator.Certificate is null ? " --insecure" : "")}";
        return $"./fooling worker --join {bound}{tls}{listen}";
    }

    /// <summary>The address workers fetch the model from: <paramref name="advertise"/> (<c>--advertise</c>), or the HTTP API's own, <paramref name="bound"/> (a wildcard bind is advertised under the machine's name).</summary>
    public static string ModelUrl(string? advertise, Uri bound)
    {
        ArgumentNullException.ThrowIfNull(bound);
        var root = new UriBuilder(advertise is not null ? new Uri(advertise) : bound);
        if (advertise is null && (root.Host is "0.0.0.0" or "[::]" or "::"))
        {
            root.Host = Environment.MachineName;
        }

        root.Path = "/api/models";
        return root.Uri.ToString();
    }
}
