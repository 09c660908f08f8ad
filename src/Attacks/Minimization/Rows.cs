using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// Copies chosen samples of flat <c>[N,…]</c> data into a batch and back, so that an attack
/// sends the model only the samples it is still working on.
/// </summary>
internal static class Rows
{
    /// <summary>The samples <paramref name="rows"/> of <paramref name="all"/>, as a new tensor in the current scope.</summary>
    /// <param name="all">N samples of <c>size</c> values each.</param>
    /// <param name="rows">Sample indices, in the order wanted.</param>
    /// <param name="shape">The shape of all N samples, <c>[N,…]</c>; the result has <c>[rows.Length,…]</c>.</param>
    public static Tensor Gather(ReadOnlySpan<float> all, ReadOnlySpan<int> rows, int[] shape)
    {
        int size = Tensor.ShapeSize(shape.AsSpan(1));
        int[] batchShape = (int[])shape.Clone();
        batchShape[0] = rows.Length;
        Tensor batch = Tensor.Empty(batchShape);
        Span<float> to = batch.Span;
        for (int j = 0; j < rows.Length; j++)
        {
            all.Slice(rows[j] * size, size).CopyTo(to.Slice(j * size, size));
        }

        return batch;
    }

    /// <summary>Sample <paramref name="i"/> of flat data with <paramref name="size"/> values per sample.</summary>
    public static Span<float> Of(Span<float> all, int i, int size) => all.Slice(i * size, size);

    /// <summary>Sample <paramref name="i"/> of flat data with <paramref name="size"/> values per sample.</summary>
    public static ReadOnlySpan<float> Of(ReadOnlySpan<float> all, int i, int size) => all.Slice(i * size, size);
}
