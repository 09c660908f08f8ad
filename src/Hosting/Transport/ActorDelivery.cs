using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Hosting.Transport;

/// <summary>A message received from an actor, with what acknowledging and rejecting it do.</summary>
internal sealed class ActorDelivery<T>(T message, Action ack, Action<bool> reject) : IDelivery<T>
{
    private int _settled;

    public T Message => message;

    public ValueTask AckAsync()
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            ack();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask RejectAsync(bool requeue)
    {
        if (Interlocked.Exchange(ref _settled, 1) == 0)
        {
            reject(requeue);
        }

        return ValueTask.CompletedTask;
    }
}
