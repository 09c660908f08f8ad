namespace FoolingCluster.Cli.Output;

/// <summary>
/// Shows a long job's progress: a status line rewritten in place on a terminal, or a line
/// every few seconds when the output goes to a file or a pipe (CI logs stay readable).
/// </summary>
internal sealed class ConsoleProgress<T>(TextWriter console, Func<T, string> format, bool interactive) : IProgress<T>
{
    private readonly object _gate = new();
    private DateTime _lastLine = DateTime.MinValue;
    private int _lastWidth;

    /// <summary>Whether <see cref="Console.Out"/> is a terminal.</summary>
    public static bool ConsoleIsInteractive => !Console.IsOutputRedirected;

    /// <inheritdoc/>
    public void Report(T value)
    {
        string text = format(value);
        lock (_gate)
        {
            if (interactive)
            {
                console.Write("\r" + text.PadRight(_lastWidth));
                _lastWidth = text.Length;
            }
            else if (DateTime.UtcNow - _lastLine >= TimeSpan.FromSeconds(5))
            {
                _lastLine = DateTime.UtcNow;
                console.WriteLine(text);
            }
        }
    }

    /// <summary>Ends the status line so the next output starts on a fresh line.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            if (interactive && _lastWidth > 0)
            {
                console.WriteLine();
                _lastWidth = 0;
            }
        }
    }
}
