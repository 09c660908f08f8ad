using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>Batches of candidate images built in plain arrays, one row per sample.</summary>
internal static class Rows
{
    /// <summary>Values per sample of an <c>[N,…]</c> tensor.</summary>
    public static int SampleSize(Tensor images) => images.Size / images.Shape[0];

    /// <summary>An unscoped tensor <c>[rows, …]</c> over the first rows of <paramref name="buffer"/>, with the sample shape of <paramref name="like"/>.</summary>
    public static Tensor Wrap(float[] buffer, int rows, Tensor like)
    {
        int[] shape = (int[])like.Shape.Clone();
        shape[0] = rows;
        return Tensor.Wrap(buffer, shape);
    }

    /// <summary>Sample <paramref name="i"/> of an <c>[N,…]</c> array.</summary>
    public static Span<float> Row(float[] values, int i, int size) => values.AsSpan(i * size, size);

    /// <summary>Indices of the samples whose flag is set.</summary>
    public static int[] Where(bool[] flags)
    {
        var indices = new List<int>();
        for (int i = 0; i < flags.Length; i++)
        {
            if (flags[i])
            {
                indices.Add(i);
            }
        }

        return [.. indices];
    }

    /// <summary>‖a − b‖₂ in double.</summary>
    public static double L2(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double d = (double)a[j] - b[j];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }
}
