using System.Runtime.ExceptionServices;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// The threads the kernels split their work over: the calling thread plus long-lived helper
/// threads of the engine's own, which wait for work briefly spinning, then blocked.
/// </summary>
/// <remarks>
/// <para>
/// <c>Parallel.For</c> hands all but the caller's share to the .NET thread pool, and a pool
/// thread may take milliseconds to pick it up; the caller then runs the rest itself. Measured
/// over the convolutions of a ResNet forward pass on two cores, about one call in five ran
/// entirely on the caller, and most others split their pieces unevenly, so the engine was
/// barely faster on two cores than on one. Helpers that the engine owns are waiting when a call
/// comes and start on it within microseconds.
/// </para>
/// <para>
/// One call's work is posted at a time; a call made while another's is posted (from another
/// thread, or from inside a helper: a GEMM inside a convolution's worker) runs on its caller
/// alone, which is what the cores have room for then. Every item runs exactly once whoever
/// runs it, so results do not depend on which thread ran what.
/// </para>
/// </remarks>
internal static class WorkerTeam
{
    /// <summary>How long a helper keeps looking for the next call before it blocks: back-to-back kernels (the layers of a network) then find it awake.</summary>
    private const int SpinIterations = 2000;

    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly object StartLock = new();
    private static Job? _posted;
    private static int _helpers;
    private static int _sleeping;

    /// <summary>Runs <paramref name="body"/>(i) for every i in <c>[0, count)</c>, on the caller and up to <paramref name="threads"/> − 1 helpers.</summary>
    /// <exception cref="Exception">The first exception an item threw, rethrown as it was once every started item has ended.</exception>
    public static void For(int count, int threads, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int helpers = Math.Min(threads, count) - 1;
        if (helpers <= 0)
        {
            for (int i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        var job = new Job(count, body);
        bool posted = Interlocked.CompareExchange(ref _posted, job, null) is null;
        if (posted)
        {
            EnsureHelpers(helpers);
            int sleeping = Volatile.Read(ref _sleeping);
            if (sleeping > 0)
            {
                Wake.Release(Math.Min(sleeping, helpers));
            }
        }

        job.RunItems();
        if (posted)
        {
            Interlocked.CompareExchange(ref _posted, null, job);
        }

        job.WaitUntilDone();
    }

    /// <summary>Starts helper threads until there are <paramref name="wanted"/>; they live as long as the process.</summary>
    private static void EnsureHelpers(int wanted)
    {
        if (Volatile.Read(ref _helpers) >= wanted)
        {
            return;
        }

        lock (StartLock)
        {
            while (_helpers < wanted)
            {
                var thread = new Thread(HelperLoop) { IsBackground = true, Name = $"engine worker {_helpers + 1}" };
                thread.Start();
                _helpers++;
            }
        }
    }

    private static void HelperLoop()
    {
        // The call this helper last worked on stays posted until its caller has finished too;
        // taking it again would only spin through its exhausted items.
        Job? done = null;
        Job? Fresh() => Volatile.Read(ref _posted) is { } posted && posted != done ? posted : null;
        while (true)
        {
            Job? job = null;
            var spin = default(SpinWait);
            for (int i = 0; i < SpinIterations && (job = Fresh()) is null; i++)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            if (job is null)
            {
                // Counted as sleeping before the last look, so a call posted after that look
                // sees this helper and wakes it.
                Interlocked.Increment(ref _sleeping);
                if (Fresh() is null)
                {
                    Wake.Wait();
                }

                Interlocked.Decrement(ref _sleeping);
                job = Fresh();
            }

            job?.RunItems();
            done = job ?? done;
        }
    }

    /// <summary>One call's items, claimed one at a time by whichever thread is free.</summary>
    private sealed class Job(int count, Action<int> body)
    {
        private readonly object _gate = new();
        private int _next = -1;
        private int _finished;
        private ExceptionDispatchInfo? _error;

        public void RunItems()
        {
            for (int i = Interlocked.Increment(ref _next); i < count; i = Interlocked.Increment(ref _next))
            {
                try
                {
                    // Once an item has failed the rest are skipped; the caller rethrows the failure.
                    if (Volatile.Read(ref _error) is null)
                    {
                        body(i);
                    }
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(ex), null);
                }
                finally
                {
                    if (Interlocked.Increment(ref _finished) == count)
                    {
                        lock (_gate)
                        {
                            Monitor.PulseAll(_gate);
                        }
                    }
                }
            }
        }

        /// <summary>Returns once every item has ended (the caller's share is done by then; helpers' usually a moment later), rethrowing the first failure.</summary>
        public void WaitUntilDone()
        {
            var spin = default(SpinWait);
            for (int i = 0; i < SpinIterations && Volatile.Read(ref _finished) < count; i++)
            {
                spin.SpinOnce(sleep1Threshold: -1);
            }

            lock (_gate)
            {
                while (Volatile.Read(ref _finished) < count)
                {
                    Monitor.Wait(_gate);
                }
            }

            _error?.Throw();
        }
    }
}
