using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Coordinator.Transport;

/// <summary>The coordinator's side of the cluster's message transport.</summary>
public interface ICoordinatorTransport : IAsyncDisposable
{
    /// <summary>Queues a job for whichever idle worker asks first.</summary>
    ValueTask PublishJobAsync(JobMessage job, CancellationToken cancel);

    /// <summary>Sends a control message to every worker.</summary>
    ValueTask PublishControlAsync(ControlMessage control, CancellationToken cancel);

    /// <summary>Drops every job still queued (a restarted coordinator re-issues its own).</summary>
    ValueTask PurgeJobsAsync(CancellationToken cancel);

    /// <summary>
    /// Results and heartbeats from workers. Bytes that do not parse or exceed
    /// <see cref="MessageLimits.MaxMessageBytes"/> are refused by the transport before they
    /// become a message; every message that arrives still has to be checked by the receiver.
    /// Nothing is acknowledged: a result lost with its coordinator is computed again from the
    /// job's seed when the run resumes.
    /// </summary>
    IAsyncEnumerable<WorkerMessage> ReceiveAsync(CancellationToken cancel);
}
