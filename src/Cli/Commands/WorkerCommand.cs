using System.CommandLine;
using System.Globalization;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Runs;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling worker</c>: parses the worker's options and runs its node (<see cref="WorkerHost"/>)
/// until stopped.
/// </summary>
internal static class WorkerCommand
{
    public static Command Build()
    {
        var join = ClusterOptions.Join(required: true);
        var cluster = ClusterOptions.Listen(NodeAddress.LoopbackAnyPort.ToString(), "HOST:PORT this worker listens on for the cluster (default 127.0.0.1:0: this machine, any free port; the coordinator must reach it, so on another machine give this machine's IP and --tls FILE, or --insecure to send unencrypted)");
        var insecure = ClusterOptions.Insecure();
        var tls = ClusterOptions.Tls();
        var coordinator = new Option<string?>("--coordinator") { Description = "coordinator's HTTP address (http://HOST:PORT) for model downloads, if the one jobs carry is not reachable from here" };
        var cache = new Option<string>("--cache") { Description = "folder for fetched models", DefaultValueFactory = _ => Path.Combine("models", "cache") };
        var id = new Option<string?>("--id") { Description = "worker id shown on the dashboard (default: host name and process id)" };
        var threads = CommonOptions.Threads();
        var command = new Command("worker", "Evaluate jobs for a coordinator's cluster until stopped (Ctrl-C or SIGTERM: exit 130 or 143, its unfinished job going to another worker; or stop from the dashboard: exit 0).")
        {
            join, cluster, insecure, tls, coordinator, cache, id, threads,
        };
        command.SetAction(async (parse, cancel) =>
        {
            CommonOptions.ApplyThreads(parse.GetValue(threads));
            TextWriter console = parse.InvocationConfiguration.Output;
            NodeSettings settings = ClusterOptions.Node(parse.GetValue(cluster)!, parse.GetValue(join), parse.GetValue(insecure), anyPort: true, parse.GetValue(tls));
            Uri? coordinatorUri = parse.GetValue(coordinator) is string c ? ParseUri(c, "--coordinator", "http", "https") : null;
            string workerId = parse.GetValue(id) ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            TimeSpan joinTimeout = ClusterOptions.JoinTimeout();
            void Log(string line) => console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.Now:HH:mm:ss} {line}"));

            using var ctrlC = new CtrlCHandler(cancel);
            var hosting = new WorkerHosting(settings, workerId, parse.GetValue(cache)!, coordinatorUri, joinTimeout);
            WorkerTally tally = await WorkerHost.RunAsync(hosting, Log, ctrlC.Token).ConfigureAwait(false);
            bool signalled = ctrlC.Token.IsCancellationRequested;
            Log($"worker {workerId}: stopped{(signalled ? " by a signal" : "")} after {tally.Evaluations:N0} evaluations ({tally.Rejected} jobs rejected)");
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
