namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Splits <c>[0, count)</c> into one contiguous range per worker, the same split on every call,
/// so results that depend on it are identical from run to run.
/// </summary>
internal static class ParallelRanges
{
    /// <summary>Below this much work (multiply-adds or elements touched) starting workers costs more than it gains.</summary>
    public const long Threshold = 1 << 15;

    /// <summary>Runs <paramref name="body"/>(first, last) over the ranges, on up to <paramref name="threads"/> threads (0: <see cref="Engine.Threads"/>).</summary>
    public static void Run(int count, long work, int threads, Action<int, int> body)
    {
        int workers = Math.Min(threads > 0 ? threads : Engine.Threads, count);
        if (workers <= 1 || work < Threshold)
        {
            body(0, count);
            return;
        }

        WorkerTeam.For(workers, workers, k => body((int)((long)count * k / workers), (int)((long)count * (k + 1) / workers)));
    }
}
