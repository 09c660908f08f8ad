using System.Globalization;
using Serilog.Core;
using Serilog.Events;

namespace FoolingCluster.Cli.Output;

/// <summary>
/// Writes rendered log messages to a <see cref="TextWriter"/>: the console in use, or the
/// writer a test passes in, so that what the user sees is what the test checks.
/// </summary>
internal sealed class TextWriterSink(TextWriter writer, LogEventLevel minimum) : ILogEventSink
{
    private readonly object _gate = new();

    public void Emit(LogEvent logEvent)
    {
        if (logEvent.Level < minimum)
        {
            return;
        }

        string prefix = logEvent.Level >= LogEventLevel.Warning ? logEvent.Level.ToString().ToLowerInvariant() + ": " : "";
        lock (_gate)
        {
            writer.WriteLine(prefix + logEvent.RenderMessage(CultureInfo.InvariantCulture));
            writer.Flush();
        }
    }
}
