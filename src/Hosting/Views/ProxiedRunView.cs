using Akka.Actor;
using FoolingCluster.Coordinator.Http;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;

namespace FoolingCluster.Hosting.Views;

/// <summary>
/// The run of the active coordinator as a dashboard on another coordinator-role node (a standby)
/// shows it: read through the job board singleton's proxy, about once a second, and its buttons
/// sent the same way. Until the active coordinator answers, it shows <c>placeholder</c>.
/// </summary>
public sealed class ProxiedRunView : IRunView, IAsyncDisposable
{
    /// <summary>How long one question to the active coordinator may take.</summary>
    public static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private readonly IActorRef _board;
    private readonly TimeSpan _every;
    private readonly Action<string>? _log;
    private readonly string _shownBy;
    private readonly RunViewCopy _copy = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SnapshotFeed _feed;
    private readonly Task _polling;
    private IReadOnlyList<WorkerStatus> _workers = [];
    private string? _lastProblem;
    private bool _seenRun;

    /// <param name="board">The job board singleton's proxy.</param>
    /// <param name="model">This node's copy of the run's model, for workers that fetch it here.</param>
    /// <param name="placeholder">What is shown before the active coordinator answers.</param>
    /// <param name="every">How often the active coordinator is asked.</param>
    /// <param name="shownBy">What this node is, as the page says it (<see cref="RunSnapshot.ShownBy"/>).</param>
    /// <param name="log">Receives a line when the active coordinator's answers start or stop coming, or one is malformed.</param>
    internal ProxiedRunView(IActorRef board, (string WeightsPath, string SidecarPath, string Sha256) model, RunSnapshot placeholder, TimeSpan every, string shownBy, Action<string>? log)
    {
        _board = board;
        _every = every;
        _shownBy = shownBy;
        _log = log;
        Model = model;
        _feed = new SnapshotFeed(placeholder with { ShownBy = shownBy });
        _polling = Task.Run(PollAsync);
    }

    /// <inheritdoc/>
    public RunSnapshot Current => _feed.Current;

    /// <inheritdoc/>
    public IReadOnlyList<WorkerStatus> Workers => Volatile.Read(ref _workers);

    /// <inheritdoc/>
    public (string WeightsPath, string SidecarPath, string Sha256) Model { get; }

    /// <inheritdoc/>
    public Task<RunSnapshot> NextAsync(CancellationToken cancel) => _feed.NextAsync(cancel);

    /// <inheritdoc/>
    public void Pause() => Control("pause");

    /// <inheritdoc/>
    public void Resume() => Control("resume");

    /// <inheritdoc/>
    public void Stop() => Control("stop");

    /// <inheritdoc/>
    /// <exception cref="InvalidInputException">The active coordinator refused the name.</exception>
    /// <exception cref="IOException">It did not answer, or could not write the export.</exception>
    public string Export(string name, float? allAbove)
    {
        var request = new RunExportRequest { Name = name ?? "", HasAllAbove = allAbove is not null, AllAbove = allAbove ?? 0 };
        RunExportReply reply = Ask<RunExportReply>(request, TimeSpan.FromMinutes(5));
        if (reply.Error.Length > 0)
        {
            throw reply.BadInput ? new InvalidInputException(reply.Error) : new IOException($"the active coordinator: {reply.Error}");
        }

        return reply.Folder;
    }

    /// <summary>Stops asking.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _polling.ConfigureAwait(false);
        _stop.Dispose();
    }

    private void Control(string action)
    {
        RunControlReply reply = Ask<RunControlReply>(new RunControlRequest { Action = action }, AskTimeout);
        if (reply.Error.Length > 0)
        {
            throw new IOException($"the active coordinator: {reply.Error}");
        }

        // Shown at once, not at the next answer.
        _feed.Publish(current => current with { State = reply.State });
    }

    private T Ask<T>(object request, TimeSpan timeout)
    {
        try
        {
            return _board.Ask<T>(request, timeout).GetAwaiter().GetResult();
        }
        catch (AskTimeoutException)
        {
            throw new IOException($"the active coordinator did not answer within {timeout.TotalSeconds:F0} s");
        }
    }

    private async Task PollAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            bool more = false;
            try
            {
                RunViewMessage answer = await _board.Ask<RunViewMessage>(_copy.Query(), AskTimeout, _stop.Token).ConfigureAwait(false);
                RunSnapshot? snapshot = _copy.Apply(answer);
                more = answer.More;
                if (answer.Serving)
                {
                    _seenRun = true;
                    Problem(null);
                }
                else if (_seenRun)
                {
                    // The board moved (to this node, say) and serves no run yet.
                    Problem("no coordinator serves the run at the moment");
                }

                if (snapshot is not null)
                {
                    Volatile.Write(ref _workers, RunViewCopy.Workers(answer));
                    if (Changed(Current, snapshot))
                    {
                        _feed.Publish(current => snapshot with { ShownBy = current.ShownBy });
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is AskTimeoutException or InvalidDataException)
            {
                Problem(ex is AskTimeoutException ? $"the active coordinator did not answer within {AskTimeout.TotalSeconds:F0} s" : ex.Message);
            }

            if (!more)
            {
                try
                {
                    await Task.Delay(_every, _stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private static bool Changed(RunSnapshot shown, RunSnapshot next) =>
        shown.RunId != next.RunId || shown.Generation != next.Generation || shown.State != next.State || shown.Evaluations != next.Evaluations
        || shown.History.Count != next.History.Count || !shown.Elites.Select(e => (e.Cell, e.Generation)).SequenceEqual(next.Elites.Select(e => (e.Cell, e.Generation)));

    /// <summary>
    /// Logs a problem once, and once when it is over; while it lasts the page says the run it
    /// shows is as last seen, so a reader does not take it for the run as it is now.
    /// </summary>
    private void Problem(string? problem)
    {
        if (problem == _lastProblem)
        {
            return;
        }

        _log?.Invoke(problem is null ? "dashboard: following the active coordinator's run again" : $"dashboard: {problem}; showing the run as last seen");
        _lastProblem = problem;
        _feed.Publish(current => current with { ShownBy = problem is null ? _shownBy : $"{_shownBy}, as last seen: {problem}" });
    }
}
