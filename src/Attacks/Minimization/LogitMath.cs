namespace FoolingCluster.Attacks.Minimization;

/// <summary>Per-sample quantities of one row of logits, in double.</summary>
internal static class LogitMath
{
    /// <summary>The class with the largest logit other than <paramref name="excluded"/> (the first on ties).</summary>
    public static int BestOther(ReadOnlySpan<float> z, int excluded)
    {
        int best = -1;
        for (int k = 0; k < z.Length; k++)
        {
            if (k != excluded && (best < 0 || z[k] > z[best]))
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>Cross-entropy <c>log Σⱼ exp zⱼ − z_c</c>: minus the log-probability of class <paramref name="c"/>.</summary>
    public static double CrossEntropy(ReadOnlySpan<float> z, int c)
    {
        double max = double.NegativeInfinity;
        foreach (float v in z)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        foreach (float v in z)
        {
            sum += Math.Exp(v - max);
        }

        return max + Math.Log(sum) - z[c];
    }

    /// <summary>Softmax probability of class <paramref name="c"/>.</summary>
    public static double Probability(ReadOnlySpan<float> z, int c) => Math.Exp(-CrossEntropy(z, c));

    /// <summary>The classes in order of decreasing logit, <paramref name="excluded"/> left out, at most <paramref name="count"/> of them.</summary>
    public static int[] TopOthers(ReadOnlySpan<float> z, int excluded, int count)
    {
        float[] logits = z.ToArray();
        return Enumerable.Range(0, logits.Length)
            .Where(k => k != excluded)
            .OrderByDescending(k => logits[k])
            .ThenBy(k => k)
            .Take(count)
            .ToArray();
    }
}
