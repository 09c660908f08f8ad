namespace FoolingCluster.Tensors.NN;

/// <summary>
/// Parameter initialisation with PyTorch's default distributions, drawn from a seeded
/// generator so that the same seed gives the same network.
/// </summary>
public static class Init
{
    /// <summary>
    /// A parameter tensor (unpooled, outside any scope) with values from U(−bound, bound).
    /// </summary>
    public static Tensor Uniform(Random rng, float bound, params int[] shape)
    {
        var data = new float[Tensor.ShapeSize(shape)];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)(((rng.NextDouble() * 2) - 1) * bound);
        }

        return Tensor.Wrap(data, shape);
    }

    /// <summary>A parameter tensor filled with a constant.</summary>
    public static Tensor Constant(float value, params int[] shape)
    {
        var data = new float[Tensor.ShapeSize(shape)];
        Array.Fill(data, value);
        return Tensor.Wrap(data, shape);
    }

    /// <summary>
    /// PyTorch's default for <c>nn.Linear</c> and <c>nn.Conv2d</c> weights,
    /// <c>kaiming_uniform_(a=√5)</c>, which reduces to U(−1/√fan_in, 1/√fan_in); biases use
    /// the same bound.
    /// </summary>
    public static float DefaultBound(int fanIn) => fanIn > 0 ? 1f / MathF.Sqrt(fanIn) : 0f;
}
