namespace FoolingCluster.Worker.Transport;

/// <summary>
/// A message received with at-least-once delivery: it stays owned by the receiver until
/// acknowledged, and a receiver that dies first has it delivered again to another.
/// </summary>
/// <typeparam name="T">Message type.</typeparam>
public interface IDelivery<out T>
{
    /// <summary>The message.</summary>
    T Message { get; }

    /// <summary>Done with it: the sender forgets it.</summary>
    ValueTask AckAsync();

    /// <summary>Gives it back for another receiver (<paramref name="requeue"/>) or drops it.</summary>
    ValueTask RejectAsync(bool requeue);
}
