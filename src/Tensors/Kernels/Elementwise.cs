using System.Numerics.Tensors;

namespace FoolingCluster.Tensors.Kernels;

/// <summary>Element-by-element kernels on spans; thin wrappers over <see cref="TensorPrimitives"/> where it has the op.</summary>
public static class Elementwise
{
    /// <summary><c>x[i] += y[i]</c>.</summary>
    public static void AddInPlace(Span<float> x, ReadOnlySpan<float> y) => TensorPrimitives.Add(x, y, x);
}
