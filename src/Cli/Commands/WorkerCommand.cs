using System.CommandLine;
using FoolingCluster.Cli.Output;
using System.Globalization;
using FoolingCluster.Protocol.Transport.RabbitMq;
using FoolingCluster.Tensors;
using FoolingCluster.Worker;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Models;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling worker</c>: joins a cluster through its RabbitMQ broker, fetches each run's
/// model from the coordinator by content hash and evaluates jobs until stopped.
/// </summary>
internal static class WorkerCommand
{
    public static Command Build()
    {
        var broker = new Option<string>("--broker") { Description = "RabbitMQ address, e.g. amqp://guest:guest@10.0.0.5:5672/", Required = true };
        var coordinator = new Option<string?>("--coordinator") { Description = "coordinator's HTTP address (http://HOST:PORT) for model downloads, if the one jobs carry is not reachable from here" };
        var cache = new Option<string>("--cache") { Description = "folder for fetched models", DefaultValueFactory = _ => Path.Combine("models", "cache") };
        var id = new Option<string?>("--id") { Description = "worker id shown on the dashboard (default: host name and process id)" };
        var prefix = new Option<string>("--prefix") { Description = "queue and exchange name prefix shared with the coordinator", DefaultValueFactory = _ => "fooling." };
        var threads = CommonOptions.Threads();
        var command = new Command("worker", "Evaluate jobs for a coordinator over RabbitMQ until stopped (Ctrl-C or SIGTERM: exit 130 or 143, its unfinished job going back to the queue; or stop from the dashboard: exit 0).")
        {
            broker, coordinator, cache, id, prefix, threads,
        };
        command.SetAction(async (parse, cancel) =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            Uri brokerUri = BrokerAddress.Parse(parse.GetValue(broker)!);
            Uri? coordinatorUri = parse.GetValue(coordinator) is string c ? ParseUri(c, "--coordinator", "http", "https") : null;
            string workerId = parse.GetValue(id) ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            void Log(string line) => console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {line}"));

            var options = new RabbitMqOptions { Uri = brokerUri, Prefix = parse.GetValue(prefix)!, ConnectionName = $"worker {workerId}", ConnectTimeout = ClusterOptions.ConnectTimeout(), Log = Log, Dropped = Log };
            using var ctrlC = new CtrlCHandler(cancel);
            Log($"worker {workerId}: connecting to {AddressText.Redacted(brokerUri)} with {Engine.Threads} threads");
            await using RabbitMqWorkerTransport transport = await RabbitMqWorkerTransport.ConnectAsync(options, workerId, ctrlC.Token).ConfigureAwait(false);
            using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
            var models = new HttpModelSource(http, parse.GetValue(cache)!, coordinatorUri, Log);
            var service = new WorkerService(transport, new JobExecutor(workerId, models, Log), TimeSpan.FromSeconds(2), Log);
            Log($"worker {workerId}: waiting for jobs");
            await service.RunAsync(ctrlC.Token).ConfigureAwait(false);
            bool signalled = ctrlC.Token.IsCancellationRequested;
            Log($"worker {workerId}: stopped{(signalled ? " by a signal" : "")} after {service.Evaluations:N0} evaluations ({service.Rejected} jobs rejected)");
            return signalled ? FoolingApp.Interrupted : FoolingApp.Success;
        });
        return command;
    }

    private static Uri ParseUri(string text, string option, params string[] schemes)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || !schemes.Contains(uri.Scheme))
        {
            throw new InvalidInputException($"{option} must be an absolute {string.Join(" or ", schemes)} address (got '{text}')");
        }

        return uri;
    }

}
