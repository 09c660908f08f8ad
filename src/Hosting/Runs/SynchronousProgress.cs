namespace FoolingCluster.Hosting.Runs;

/// <summary>Reports on the calling thread, so progress lines come out in order (<see cref="Progress{T}"/> posts them to the thread pool).</summary>
/// <typeparam name="T">What is reported.</typeparam>
/// <param name="report">Receives each report.</param>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
