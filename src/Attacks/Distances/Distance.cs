using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Distances;

/// <summary>
/// A norm of the perturbation, measured per sample, that can also project a perturbation
/// onto its ε-ball (Foolbox's distances).
/// </summary>
/// <remarks>Tensors are <c>[N,…]</c>; each of the N samples is measured and clipped on its own.</remarks>
public abstract class Distance
{
    /// <summary>The L0 distance: how many values changed.</summary>
    public static L0Distance L0 { get; } = new();

    /// <summary>The Euclidean distance.</summary>
    public static L2Distance L2 { get; } = new();

    /// <summary>The largest change of any one value.</summary>
    public static LinfDistance Linf { get; } = new();

    /// <summary>How the norm is written: L0, L2, L∞.</summary>
    public abstract string Name { get; }

    /// <summary>‖perturbed − reference‖ for each sample.</summary>
    /// <param name="references"><c>[N,…]</c>.</param>
    /// <param name="perturbed">Same shape as <paramref name="references"/>.</param>
    /// <returns>N distances.</returns>
    public double[] Measure(Tensor references, Tensor perturbed)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(perturbed);
        if (!Tensor.SameShape(references.Shape, perturbed.Shape) || references.Rank < 1)
        {
            throw new ShapeMismatchException($"{Name}: references {Tensor.ShapeString(references.Shape)} and perturbed {Tensor.ShapeString(perturbed.Shape)} must have one shape [N,…]");
        }

        int n = references.Shape[0];
        int size = n == 0 ? 0 : references.Size / n;
        double[] distances = new double[n];
        float[] delta = new float[size];
        for (int i = 0; i < n; i++)
        {
            System.Numerics.Tensors.TensorPrimitives.Subtract(perturbed.Span.Slice(i * size, size), references.Span.Slice(i * size, size), delta);
            distances[i] = Norm(delta);
        }

        return distances;
    }

    /// <summary>
    /// Projects each sample's perturbation onto the ball of radius <paramref name="epsilon"/>:
    /// the nearest point of the ball in this norm (for L0, the <c>⌊ε⌋</c> largest changes kept).
    /// </summary>
    /// <param name="perturbation"><c>[N,…]</c>; not changed.</param>
    /// <param name="epsilon">Radius, at least 0.</param>
    /// <returns>A new tensor in the current scope, same shape.</returns>
    public Tensor Clip(Tensor perturbation, float epsilon)
    {
        ArgumentNullException.ThrowIfNull(perturbation);
        CheckEpsilon(epsilon);
        Tensor clipped = perturbation.Clone();
        int n = clipped.Rank == 0 ? 1 : clipped.Shape[0];
        int size = n == 0 ? 0 : clipped.Size / n;
        for (int i = 0; i < n; i++)
        {
            ClipSample(clipped.Span.Slice(i * size, size), epsilon);
        }

        return clipped;
    }

    /// <summary>
    /// The largest distance between two samples of <paramref name="values"/> values each in [0,1]:
    /// no radius beyond it constrains anything (<see cref="Radius.Check"/>).
    /// </summary>
    /// <param name="values">Values per sample, C·H·W.</param>
    public abstract double Largest(int values);

    /// <summary>Why <see cref="Largest"/> is what it is, in a few words for a message.</summary>
    /// <param name="values">Values per sample, C·H·W.</param>
    public abstract string WhyLargest(int values);

    /// <summary>The norm of one sample's perturbation.</summary>
    public abstract double Norm(ReadOnlySpan<float> perturbation);

    /// <summary>Projects one sample's perturbation onto the ε-ball, in place.</summary>
    public abstract void ClipSample(Span<float> perturbation, float epsilon);

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>Throws unless ε is a finite number ≥ 0.</summary>
    internal static void CheckEpsilon(float epsilon)
    {
        if (!float.IsFinite(epsilon) || epsilon < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be a finite number ≥ 0");
        }
    }
}
