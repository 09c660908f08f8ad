using System.Diagnostics;

namespace FoolingCluster.Bench;

/// <summary>
/// Times a piece of work on a shared, noisy machine: warm up, then several trials of at least
/// a minimum duration each, keeping the fastest (the run least disturbed by other processes).
/// </summary>
public static class Measure
{
    /// <summary>Best rate of <paramref name="work"/> in units per second.</summary>
    /// <param name="work">One repetition; returns how many units (images, FLOPs) it processed.</param>
    /// <param name="trials">Timed trials.</param>
    /// <param name="minSeconds">Minimum duration of one trial.</param>
    public static double BestRate(Func<double> work, int trials = 5, double minSeconds = 0.4)
    {
        for (int i = 0; i < 3; i++)
        {
            work();
        }

        double best = 0;
        for (int t = 0; t < trials; t++)
        {
            double units = 0;
            var clock = Stopwatch.StartNew();
            do
            {
                units += work();
            }
            while (clock.Elapsed.TotalSeconds < minSeconds);
            best = Math.Max(best, units / clock.Elapsed.TotalSeconds);
        }

        return best;
    }
}
