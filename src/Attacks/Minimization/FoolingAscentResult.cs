using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>How one image of a <see cref="FoolingAscent"/> climbed.</summary>
/// <param name="Class">The class whose probability was raised.</param>
/// <param name="Probability">Its softmax probability on the returned image.</param>
/// <param name="Iterations">Gradient steps taken.</param>
/// <param name="To99">Steps after which the probability first reached 99 %; null if it never did.</param>
/// <param name="To999">The same for 99.9 %.</param>
/// <param name="To9999">The same for 99.99 %, where the ascent stops.</param>
public sealed record FoolingTrace(int Class, double Probability, int Iterations, int? To99, int? To999, int? To9999)
{
    /// <summary>Whether the image reached <see cref="FoolingAscent.Target"/>.</summary>
    public bool Reached => To9999 is not null;
}

/// <summary>The images a <see cref="FoolingAscent"/> produced and how each got there.</summary>
/// <param name="Images"><c>[N,C,H,W]</c> in [0,1]; belongs to no <see cref="TensorScope"/>.</param>
/// <param name="Traces">N traces, in the order of the images.</param>
public sealed record FoolingAscentResult(Tensor Images, IReadOnlyList<FoolingTrace> Traces)
{
    /// <summary>Number of images N.</summary>
    public int Count => Traces.Count;

    /// <summary>Fraction of the images that reached <see cref="FoolingAscent.Target"/>.</summary>
    public double ReachedRate => Count == 0 ? 0 : Traces.Count(t => t.Reached) / (double)Count;

    /// <summary>The median of a milestone over the images that reached it (the mean of the two middle ones for an even count); NaN when none did.</summary>
    public double MedianIterations(Func<FoolingTrace, int?> milestone)
    {
        ArgumentNullException.ThrowIfNull(milestone);
        int[] reached = Traces.Select(milestone).Where(v => v is not null).Select(v => v!.Value).Order().ToArray();
        if (reached.Length == 0)
        {
            return double.NaN;
        }

        int mid = reached.Length / 2;
        return reached.Length % 2 == 1 ? reached[mid] : (reached[mid - 1] + reached[mid]) / 2.0;
    }
}
