using System.Diagnostics;

namespace FoolingCluster.Bench;

/// <summary>
/// Times a piece of work on a shared, noisy machine: warm up, then several trials of at least
/// a minimum duration each, keeping the fastest (the run least disturbed by other processes).
/// </summary>
public static class Measure
{
    /// <summary>
    /// Two pieces of work timed in alternating trials, each the same length: their best rates,
    /// and the median of the ratios of trials run back to back. Other processes on a shared machine
    /// slow both sides of a pair alike; best against best instead compares each side's luckiest
    /// moment, which may fall in a quiet spell the other side never had.
    /// </summary>
    /// <param name="first">One repetition of the first work; returns how many units it processed.</param>
    /// <param name="second">One repetition of the second work.</param>
    /// <param name="trials">Timed pairs.</param>
    /// <param name="minSeconds">Minimum duration of one trial.</param>
    public static (double First, double Second, double MedianRatio) Paired(Func<double> first, Func<double> second, int trials = 5, double minSeconds = 0.4)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        // A whole untimed trial of each first: the engine's code is compiled in tiers as it runs,
        // and the recompiling, on a thread of its own, takes a core from the trials it overlaps.
        Trial(first, minSeconds);
        Trial(second, minSeconds);

        double bestFirst = 0, bestSecond = 0;
        var ratios = new List<double>(trials);
        for (int t = 0; t < trials; t++)
        {
            double a = Trial(first, minSeconds);
            double b = Trial(second, minSeconds);
            (bestFirst, bestSecond) = (Math.Max(bestFirst, a), Math.Max(bestSecond, b));
            ratios.Add(a / b);
        }

        ratios.Sort();
        double median = ratios.Count % 2 == 1 ? ratios[ratios.Count / 2] : (ratios[(ratios.Count / 2) - 1] + ratios[ratios.Count / 2]) / 2;
        return (bestFirst, bestSecond, median);
    }

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
            best = Math.Max(best, Trial(work, minSeconds));
        }

        return best;
    }

    /// <summary>Units per second of <paramref name="work"/> repeated for at least <paramref name="minSeconds"/>.</summary>
    private static double Trial(Func<double> work, double minSeconds)
    {
        double units = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            units += work();
        }
        while (clock.Elapsed.TotalSeconds < minSeconds);
        return units / clock.Elapsed.TotalSeconds;
    }
}
