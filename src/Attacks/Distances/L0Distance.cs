namespace FoolingCluster.Attacks.Distances;

/// <summary>L0: how many values differ at all; ε is a count of values allowed to change.</summary>
public sealed class L0Distance : Distance
{
    internal L0Distance()
    {
    }

    /// <inheritdoc/>
    public override string Name => "L0";

    /// <inheritdoc/>
    public override double Largest(int values) => values;

    /// <inheritdoc/>
    public override string WhyLargest(int values) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"an image has {values} pixels to change");

    /// <inheritdoc/>
    public override double Norm(ReadOnlySpan<float> perturbation)
    {
        int changed = 0;
        foreach (float v in perturbation)
        {
            if (v != 0f)
            {
                changed++;
            }
        }

        return changed;
    }

    /// <summary>Keeps the <c>⌊ε⌋</c> changes of largest magnitude (the first on ties) and zeroes the rest.</summary>
    public override void ClipSample(Span<float> perturbation, float epsilon)
    {
        int keep = (int)Math.Min(Math.Floor(epsilon), perturbation.Length);
        if (Norm(perturbation) <= keep)
        {
            return;
        }

        float[] magnitude = new float[perturbation.Length];
        int[] order = new int[perturbation.Length];
        for (int i = 0; i < perturbation.Length; i++)
        {
            // Negated so an ascending sort puts the largest first; the stable index tiebreak keeps the first.
            magnitude[i] = -Math.Abs(perturbation[i]);
            order[i] = i;
        }

        Array.Sort(magnitude, order);
        int start = 0;
        while (start < order.Length)
        {
            int end = start;
            while (end < order.Length && magnitude[end] == magnitude[start])
            {
                end++;
            }

            Array.Sort(order, start, end - start);
            start = end;
        }

        for (int i = keep; i < order.Length; i++)
        {
            perturbation[order[i]] = 0f;
        }
    }
}
