namespace FoolingCluster.Cli.Commands;

/// <summary>
/// Turns the first Ctrl-C into a cancellation the job can honour at a safe point; a second
/// Ctrl-C ends the process as usual.
/// </summary>
internal sealed class CtrlCHandler : IDisposable
{
    private readonly CancellationTokenSource _source;
    private bool _pressed;

    public CtrlCHandler(CancellationToken outer)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        Console.CancelKeyPress += OnCancel;
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (!_pressed)
        {
            _pressed = true;
            e.Cancel = true;
            _source.Cancel();
        }
    }
}
