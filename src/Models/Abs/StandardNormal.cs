namespace FoolingCluster.Models.Abs;

/// <summary>Standard normal draws from a seeded generator, by Box–Muller.</summary>
internal static class StandardNormal
{
    /// <summary>Fills <paramref name="values"/> with independent N(0, 1) draws.</summary>
    public static void Fill(Random rng, Span<float> values)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            // 1 − u keeps the logarithm's argument in (0, 1].
            double radius = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble()));
            double angle = 2.0 * Math.PI * rng.NextDouble();
            values[i] = (float)(radius * Math.Cos(angle));
            if (i + 1 < values.Length)
            {
                values[i + 1] = (float)(radius * Math.Sin(angle));
            }
        }
    }
}
