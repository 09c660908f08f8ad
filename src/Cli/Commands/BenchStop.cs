using FoolingCluster.Bench;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// Stops a <c>bench</c> command between measurements on Ctrl-C or SIGTERM: each figure is
/// printed as it is measured, and a stop after it ends the benchmark without writing its report,
/// since a report with some figures missing would pass for a whole measurement.
/// </summary>
internal sealed class BenchStop
{
    private readonly TextWriter _console;
    private readonly CancellationToken _cancel;
    private int _figures;

    private BenchStop(TextWriter console, CancellationToken cancel)
    {
        _console = console;
        _cancel = cancel;
    }

    /// <summary>Prints a measured figure, then stops the benchmark if a signal has come.</summary>
    public void Print(Figure figure)
    {
        ArgumentNullException.ThrowIfNull(figure);
        _console.WriteLine(figure.ToString());
        _figures++;
        _cancel.ThrowIfCancellationRequested();
    }

    /// <summary>Stops the benchmark here if a signal has come: between measurements that print no figure.</summary>
    public void Check() => _cancel.ThrowIfCancellationRequested();

    /// <summary>Runs <paramref name="measure"/>; a stop between its measurements leaves <paramref name="report"/> unwritten and exits 130 or 143.</summary>
    public static int Guard(TextWriter console, string report, Func<BenchStop, int> measure)
    {
        using var ctrlC = new CtrlCHandler(CancellationToken.None);
        var stop = new BenchStop(console, ctrlC.Token);
        try
        {
            return measure(stop);
        }
        catch (OperationCanceledException) when (ctrlC.Token.IsCancellationRequested)
        {
            console.WriteLine($"stopped after {stop._figures} figure{(stop._figures == 1 ? "" : "s")} (printed above); {report} was not written, as a report with figures missing would pass for a whole measurement; run the benchmark again");
            return FoolingApp.Interrupted;
        }
    }
}
