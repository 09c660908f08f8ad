using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>
/// Akka's warnings and errors, one line each, passed to the node's log. The expected effects of
/// a node going away (failed associations, gated addresses, seed nodes not answering yet, a
/// singleton proxy still looking) are left out: the commands say in their own words what
/// happened (a worker lost with its job, the coordinator gone, joining again).
/// </summary>
internal sealed class ClusterLog : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    private static readonly string[] Expected =
    [
        "ClusterSingletonProxy failed to find",
        "associate with unreachable remote address",
        "AssociationError",
        "Association with remote system",
        "Disassociated",
        "Couldn't join seed nodes",
        "is now gated",
        "Leader can currently not perform its duties",
        "Marking node as UNREACHABLE",
        "heartbeat",
        "Heartbeat",
        "Unable to REMOVE channel",
    ];

    private static Action<string>? s_sink;

    public ClusterLog()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        Receive<Warning>(e => Pass("warning", e));
        Receive<Error>(e => Pass("error", e));
        Receive<LogEvent>(_ => { });
    }

    /// <summary>Where lines go: the log of the command running this process's nodes; null drops them.</summary>
    public static Action<string>? Sink
    {
        get => Volatile.Read(ref s_sink);
        set => Volatile.Write(ref s_sink, value);
    }

    private static void Pass(string level, LogEvent e)
    {
        string text = e.Message?.ToString() ?? "";
        if (Expected.Any(x => text.Contains(x, StringComparison.Ordinal)))
        {
            return;
        }

        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        string line = newline >= 0 ? text[..newline].TrimEnd() : text;
        if (e.Cause is not null && newline < 0)
        {
            line += $" ({e.Cause.GetType().Name}: {e.Cause.Message})";
        }

        Sink?.Invoke($"cluster {level}: {line}");
    }
}
