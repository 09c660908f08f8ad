namespace FoolingCluster.Models.Import.Onnx.Export;

/// <summary>
/// An <see cref="OnnxGraphWriter"/> with seeded weights: each initializer is drawn from one
/// <see cref="Random"/> in the order it is added, so the same calls give the same file.
/// </summary>
/// <param name="name">The graph's name.</param>
/// <param name="opset">The opset written.</param>
/// <param name="seed">Seed of the weights.</param>
public sealed class SeededGraph(string name, int opset = 17, int seed = 5)
{
    private readonly Random _rng = new(seed);

    /// <summary>The writer the graph is built with.</summary>
    public OnnxGraphWriter Writer { get; } = new(name, opset);

    /// <summary>The file's bytes.</summary>
    public byte[] Bytes => Writer.ToBytes();

    /// <summary>Adds an initializer of shape <paramref name="dims"/> with uniform values in [lo, hi).</summary>
    public SeededGraph Weight(string key, float lo, float hi, params int[] dims)
    {
        float[] values = new float[dims.Aggregate(1, (a, b) => a * b)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = lo + ((hi - lo) * (float)_rng.NextDouble());
        }

        Writer.Initializer(key, values, dims);
        return this;
    }

    /// <summary>Adds an initializer of shape <paramref name="dims"/> scaled like PyTorch's default, ±1/√fanIn.</summary>
    public SeededGraph Weight(string key, int fanIn, params int[] dims)
    {
        float bound = 1f / MathF.Sqrt(fanIn);
        return Weight(key, -bound, bound, dims);
    }
}
