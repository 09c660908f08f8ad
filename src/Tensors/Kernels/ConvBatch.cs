namespace FoolingCluster.Tensors.Kernels;

/// <summary>Work on the images <c>[start, end)</c> of a batch, using GEMMs of up to <paramref name="gemmThreads"/> threads.</summary>
/// <param name="worker">Index of the worker, 0 to <see cref="ConvBatch.Workers"/> − 1.</param>
/// <param name="start">First image.</param>
/// <param name="end">One past the last image.</param>
/// <param name="gemmThreads">Threads each matrix product may use.</param>
internal delegate void ImageRangeAction(int worker, int start, int end, int gemmThreads);

/// <summary>
/// Splits a batch of images into contiguous ranges, one per worker. With several images per
/// thread each worker runs single-threaded GEMMs, which scales better than splitting small
/// per-image products; a batch of one gets the threads inside its GEMM instead.
/// </summary>
internal static class ConvBatch
{
    /// <summary>Threads to use when the caller passes 0: <see cref="Engine.Threads"/>.</summary>
    public static int Resolve(int threads) => threads > 0 ? threads : Engine.Threads;

    /// <summary>Number of workers <see cref="Run"/> starts for this batch: at most one per image.</summary>
    public static int Workers(int batch, int threads) => Math.Max(1, Math.Min(Resolve(threads), batch));

    /// <summary>
    /// Runs <paramref name="body"/> over pieces of <paramref name="piece"/> images that the workers
    /// claim one at a time, for work whose result does not depend on the split (the forward
    /// pass): a worker slowed by another process then takes fewer pieces instead of holding up
    /// the rest, as it would with one fixed range each.
    /// </summary>
    /// <param name="batch">Images in the batch.</param>
    /// <param name="piece">Most images per claim (fewer when the batch would give under four claims per worker).</param>
    /// <param name="threads">Maximum threads; 0 means <see cref="Engine.Threads"/>.</param>
    /// <param name="body">Receives the worker index, the piece's first and one-past-last image, and the GEMM threads.</param>
    public static void RunClaimed(int batch, int piece, int threads, ImageRangeAction body)
    {
        threads = Resolve(threads);
        int workers = Workers(batch, threads);

        // At least about four pieces per worker, so that the last claims even out.
        piece = Math.Max(1, Math.Min(piece, batch / (4 * workers)));
        int pieces = (batch + piece - 1) / piece;
        if (workers == 1 || pieces < workers)
        {
            Run(batch, threads, body);
            return;
        }

        int next = -1;
        WorkerTeam.For(workers, workers, k =>
        {
            for (int p = Interlocked.Increment(ref next); p < pieces; p = Interlocked.Increment(ref next))
            {
                body(k, p * piece, Math.Min(batch, (p + 1) * piece), 1);
            }
        });
    }

    /// <summary>
    /// Runs <paramref name="body"/> once per worker over a fixed split of the batch, so results
    /// that depend on the split (partial sums) are the same from run to run.
    /// </summary>
    public static void Run(int batch, int threads, ImageRangeAction body)
    {
        threads = Resolve(threads);
        int workers = Workers(batch, threads);
        if (workers == 1)
        {
            body(0, 0, batch, threads);
            return;
        }

        // Threads left over when there are fewer images than threads go to the GEMMs.
        int gemmThreads = Math.Max(1, threads / workers);
        WorkerTeam.For(workers, workers, k => body(k, (int)((long)batch * k / workers), (int)((long)batch * (k + 1) / workers), gemmThreads));
    }
}
