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
}
