using System.Threading.Channels;
using FoolingCluster.Protocol.Messages;
using Google.Protobuf;

namespace FoolingCluster.Protocol.Transport;

/// <summary>
/// The embedded default's transport: the coordinator and its workers in one process, with
/// the broker's semantics kept (work queue with acknowledgements and redelivery, one results
/// queue, control fanout) and messages passed as protobuf bytes, so the same parsing and
/// checks run as over RabbitMQ.
/// </summary>
public sealed class InProcessBroker
{
    private readonly Channel<(byte[] Body, bool Redelivered)> _jobs = Channel.CreateUnbounded<(byte[], bool)>();
    private readonly Channel<byte[]> _results = Channel.CreateUnbounded<byte[]>();
    private readonly List<Channel<byte[]>> _control = [];
    private readonly Lock _gate = new();

    /// <summary>Called with a reason whenever a message is dropped before reaching its receiver.</summary>
    public Action<string>? Dropped { get; init; }

    /// <summary>The coordinator's endpoint.</summary>
    public ICoordinatorTransport Coordinator() => new CoordinatorEndpoint(this);

    /// <summary>A new worker endpoint; jobs it holds unacknowledged when disposed go back to the queue.</summary>
    public IWorkerTransport Worker() => new WorkerEndpoint(this);

    /// <summary>Writes raw bytes to the results queue, as a misbehaving worker could.</summary>
    public void InjectRaw(byte[] body) => _results.Writer.TryWrite(body);

    private sealed class CoordinatorEndpoint(InProcessBroker broker) : ICoordinatorTransport
    {
        public ValueTask PublishJobAsync(JobMessage job, CancellationToken cancel) =>
            broker._jobs.Writer.WriteAsync((job.ToByteArray(), false), cancel);

        public ValueTask PublishControlAsync(ControlMessage control, CancellationToken cancel)
        {
            byte[] body = control.ToByteArray();
            lock (broker._gate)
            {
                foreach (Channel<byte[]> subscriber in broker._control)
                {
                    subscriber.Writer.TryWrite(body);
                }
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask PurgeJobsAsync(CancellationToken cancel)
        {
            while (broker._jobs.Reader.TryRead(out _))
            {
            }

            return ValueTask.CompletedTask;
        }

        public async IAsyncEnumerable<IDelivery<WorkerMessage>> ReceiveAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
        {
            await foreach (byte[] body in broker._results.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                WorkerMessage? message = MessageCodec.TryParse(WorkerMessage.Parser, body, "worker message", broker.Dropped);
                if (message is not null)
                {
                    yield return new Delivery<WorkerMessage>(message, false, () => { }, _ => { });
                }
            }
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class WorkerEndpoint(InProcessBroker broker) : IWorkerTransport
    {
        private readonly HashSet<Delivery<JobMessage>> _unacked = [];
        private readonly Lock _gate = new();

        public async IAsyncEnumerable<IDelivery<JobMessage>> ReceiveJobsAsync(int prefetch, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
        {
            await foreach ((byte[] body, bool redelivered) in broker._jobs.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                JobMessage? job = MessageCodec.TryParse(JobMessage.Parser, body, "job", broker.Dropped);
                if (job is null)
                {
                    continue;
                }

                Delivery<JobMessage>? delivery = null;
                delivery = new Delivery<JobMessage>(
                    job,
                    redelivered,
                    () => Forget(delivery!),
                    requeue =>
                    {
                        Forget(delivery!);
                        if (requeue)
                        {
                            broker._jobs.Writer.TryWrite((body, true));
                        }
                    });
                lock (_gate)
                {
                    _unacked.Add(delivery);
                }

                yield return delivery;
            }
        }

        public ValueTask PublishAsync(WorkerMessage message, CancellationToken cancel) =>
            broker._results.Writer.WriteAsync(message.ToByteArray(), cancel);

        public async IAsyncEnumerable<ControlMessage> ReceiveControlAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel)
        {
            var channel = Channel.CreateUnbounded<byte[]>();
            lock (broker._gate)
            {
                broker._control.Add(channel);
            }

            try
            {
                await foreach (byte[] body in channel.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
                {
                    ControlMessage? control = MessageCodec.TryParse(ControlMessage.Parser, body, "control message", broker.Dropped);
                    if (control is not null)
                    {
                        yield return control;
                    }
                }
            }
            finally
            {
                lock (broker._gate)
                {
                    broker._control.Remove(channel);
                }
            }
        }

        /// <summary>Like a broker noticing a closed connection: unacknowledged jobs are delivered again.</summary>
        public async ValueTask DisposeAsync()
        {
            Delivery<JobMessage>[] pending;
            lock (_gate)
            {
                pending = [.. _unacked];
            }

            foreach (Delivery<JobMessage> d in pending)
            {
                await d.RejectAsync(requeue: true).ConfigureAwait(false);
            }
        }

        private void Forget(Delivery<JobMessage> delivery)
        {
            lock (_gate)
            {
                _unacked.Remove(delivery);
            }
        }
    }

    private sealed class Delivery<T>(T message, bool redelivered, Action ack, Action<bool> reject) : IDelivery<T>
    {
        private int _settled;

        public T Message => message;

        public bool Redelivered => redelivered;

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
}
