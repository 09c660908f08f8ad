namespace FoolingCluster.Cli;

/// <summary>
/// A file-system failure that escaped a command's own checks (a disk filling up, a folder removed
/// or made read-only while the command ran): reported as the path and the reason, never as a
/// stack trace.
/// </summary>
internal static class FileSystemError
{
    /// <summary>The <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> inside <paramref name="ex"/>, looking through wrappers (tasks, parallel loops).</summary>
    public static Exception? Find(Exception ex) => ex switch
    {
        IOException or UnauthorizedAccessException => ex,
        AggregateException agg when agg.InnerExceptions.Count == 1 => Find(agg.InnerExceptions[0]),
        System.Reflection.TargetInvocationException { InnerException: { } inner } => Find(inner),
        _ => null,
    };

    /// <summary>The line printed for <paramref name="error"/>; .NET's messages name the path.</summary>
    public static string Describe(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return $"error: {error.Message} (reading or writing a file failed; check the paths given and that their folders exist and can be written)";
    }
}
