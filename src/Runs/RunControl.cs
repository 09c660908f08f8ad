namespace FoolingCluster.Runs;

/// <summary>
/// Pause, resume and stop for a running search, from any thread (the dashboard's buttons):
/// the search checks it between generations.
/// </summary>
public sealed class RunControl : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _running = new(initialState: true);

    /// <summary>Fires when <see cref="Stop"/> is called.</summary>
    public CancellationToken StopToken => _stop.Token;

    /// <summary>Whether the search is held between generations.</summary>
    public bool Paused => !_running.IsSet;

    /// <summary>Whether a stop was asked for.</summary>
    public bool Stopped => _stop.IsCancellationRequested;

    /// <summary>Called with "paused", "resumed" or "stopped" after each change.</summary>
    public event Action<string>? Changed;

    /// <summary>Holds the search after its current generation.</summary>
    public void Pause()
    {
        _running.Reset();
        Changed?.Invoke("paused");
    }

    /// <summary>Lets a paused search go on.</summary>
    public void Resume()
    {
        _running.Set();
        Changed?.Invoke("resumed");
    }

    /// <summary>Ends the search after its current generation, keeping everything found.</summary>
    public void Stop()
    {
        _stop.Cancel();
        _running.Set();
        Changed?.Invoke("stopped");
    }

    /// <summary>Returns once the search may go on (or is stopped, or <paramref name="cancel"/> fires).</summary>
    public void WaitWhilePaused(CancellationToken cancel)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel, _stop.Token);
        try
        {
            _running.Wait(either.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stop.Dispose();
        _running.Dispose();
    }
}
