namespace FoolingCluster.Runs.Reporting;

/// <summary>Evenly spaced samples of a long series, first and last kept, for charts.</summary>
internal static class Thinning
{
    /// <summary>At most <paramref name="most"/> items of <paramref name="items"/>, evenly spaced; all of them when there are few enough.</summary>
    public static IReadOnlyList<T> Evenly<T>(IReadOnlyList<T> items, int most)
    {
        if (items.Count <= most)
        {
            return items;
        }

        return Enumerable.Range(0, most)
            .Select(i => items[(int)((long)i * (items.Count - 1) / (most - 1))])
            .ToArray();
    }
}
