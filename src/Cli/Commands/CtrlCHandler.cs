using System.Runtime.InteropServices;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// Turns the first SIGINT (Ctrl-C) or SIGTERM into a cancellation the job can honour at a safe
/// point, and records which one arrived so the command exits 128 + that signal
/// (<see cref="StopSignal"/>); a second signal ends the process as usual.
/// </summary>
/// <remarks>
/// Handling SIGTERM here matters: left to the runtime it ends the process at once, with no
/// final snapshot and no word on how to continue.
/// </remarks>
internal sealed class CtrlCHandler : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly PosixSignalRegistration[] _registrations;
    private int _signalled;

    public CtrlCHandler(CancellationToken outer)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _source.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // The second signal is not cancelled, so the runtime ends the process as it would without this handler.
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            context.Cancel = true;
            StopSignal.Record(context.Signal);
            _source.Cancel();
        }
    }
}
