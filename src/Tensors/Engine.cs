namespace FoolingCluster.Tensors;

/// <summary>Process-wide settings of the numerical engine.</summary>
public static class Engine
{
    private static int s_threads = Environment.ProcessorCount;

    /// <summary>
    /// Threads a single kernel call may use (GEMM, convolution). Defaults to the core count;
    /// callers that already parallelise over a batch set it to 1 inside their workers.
    /// </summary>
    public static int Threads
    {
        get => s_threads;
        set => s_threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "threads must be at least 1");
    }

    /// <summary>
    /// Runs <paramref name="body"/>(i) for every i in <c>[0, count)</c> on the calling thread and
    /// the engine's own worker threads, <see cref="Threads"/> at most: the split the kernels use,
    /// for callers whose work sits between kernel calls (drawing a batch of images).
    /// </summary>
    /// <exception cref="Exception">The first exception an item threw, as it was thrown.</exception>
    public static void ParallelFor(int count, Action<int> body) => Kernels.WorkerTeam.For(count, Threads, body);
}
