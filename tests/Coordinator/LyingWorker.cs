using FoolingCluster.Protocol.Messages;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Transport;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>A worker that answers the first delivery of each job with lies and later deliveries honestly.</summary>
internal static class LyingWorker
{
    /// <summary>Runs until cancelled.</summary>
    /// <param name="worker">Its transport, disposed at the end.</param>
    /// <param name="executor">Computes the honest answer, from which the lies are made.</param>
    /// <param name="lies">The answers sent instead of the honest one, the first time a job comes.</param>
    /// <param name="cancel">Stops it.</param>
    public static async Task RunAsync(IWorkerTransport worker, JobExecutor executor, Func<WorkerMessage, IEnumerable<WorkerMessage>> lies, CancellationToken cancel)
    {
        await using IWorkerTransport transport = worker;
        var lied = new HashSet<long>();
        await foreach (IDelivery<JobMessage> delivery in transport.ReceiveJobsAsync(1, cancel))
        {
            WorkerMessage honest = await executor.ExecuteAsync(delivery.Message, cancel);
            IEnumerable<WorkerMessage> answers = lied.Add(delivery.Message.JobId) ? lies(honest) : [honest];
            foreach (WorkerMessage answer in answers)
            {
                await transport.PublishAsync(answer, cancel);
            }

            await delivery.AckAsync();
        }
    }
}
