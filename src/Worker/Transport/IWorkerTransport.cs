using FoolingCluster.Protocol.Messages;

namespace FoolingCluster.Worker.Transport;

/// <summary>A worker's side of the cluster's message transport.</summary>
public interface IWorkerTransport : IAsyncDisposable
{
    /// <summary>Jobs, at most <paramref name="prefetch"/> unacknowledged at a time; a job not acknowledged before the worker dies goes to another worker.</summary>
    IAsyncEnumerable<IDelivery<JobMessage>> ReceiveJobsAsync(int prefetch, CancellationToken cancel);

    /// <summary>Sends a result or heartbeat to the coordinator.</summary>
    ValueTask PublishAsync(WorkerMessage message, CancellationToken cancel);

    /// <summary>Control messages sent after this call.</summary>
    IAsyncEnumerable<ControlMessage> ReceiveControlAsync(CancellationToken cancel);
}
