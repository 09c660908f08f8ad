using System.Globalization;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>Comparing the robustness.csv of an evaluation run here with one sharded over workers.</summary>
internal static class RobustnessTables
{
    /// <summary>
    /// Asserts the two run folders' tables have the same header, the same image, label and
    /// prediction columns, and smallest perturbations equal to 1e-3 (relative above 1): workers
    /// compute them in their own processes, with their own kernel threads.
    /// </summary>
    public static void AssertSame(string localRun, string shardedRun)
    {
        string[] local = File.ReadAllLines(Path.Combine(localRun, "robustness.csv"));
        string[] sharded = File.ReadAllLines(Path.Combine(shardedRun, "robustness.csv"));
        Assert.Equal(local.Length, sharded.Length);
        Assert.Equal(local[0], sharded[0]);
        int[] smallest = [.. local[0].Split(',').Select((name, i) => (name, i)).Where(c => c.name.EndsWith("_smallest", StringComparison.Ordinal)).Select(c => c.i)];
        Assert.NotEmpty(smallest);
        for (int row = 1; row < local.Length; row++)
        {
            string[] a = local[row].Split(',');
            string[] b = sharded[row].Split(',');
            Assert.Equal(a[..3], b[..3]);
            foreach (int c in smallest)
            {
                double x = double.Parse(a[c], CultureInfo.InvariantCulture);
                double y = double.Parse(b[c], CultureInfo.InvariantCulture);
                Assert.True(Math.Abs(x - y) <= 1e-3 * Math.Max(1, x), $"row {row} column {c}: {x} here, {y} on the workers");
            }
        }
    }
}
