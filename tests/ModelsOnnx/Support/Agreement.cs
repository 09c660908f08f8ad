using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using Xunit;

namespace FoolingCluster.Models.Onnx.Tests.Support;

/// <summary>Imports a model, runs it and ONNX Runtime on the same images, and compares.</summary>
internal static class Agreement
{
    /// <summary>
    /// Tolerance: the largest absolute difference may be 1e-4 of the output's scale
    /// (max(1, max |y|)). Both sides compute in float32 but sum in different orders, so they
    /// agree to a few ulps per accumulated term, far inside this bound.
    /// </summary>
    public const double RelativeTolerance = 1e-4;

    /// <summary>Asserts agreement on <paramref name="batch"/> seeded images in [0,1]; returns the max abs difference.</summary>
    public static double Check(byte[] model, int batch = 3, int seed = 11)
    {
        OnnxNetwork network = OnnxImporter.Load(model, "test.onnx");
        int[] shape = [batch, .. network.Info.ImageShape];
        float[] images = Images(shape, seed);
        long[] feedShape = network.Info.InputRank == 4
            ? [.. shape.Select(d => (long)d)]
            : [batch, network.Info.ImageShape.Aggregate(1, (a, b) => a * b)];
        (float[] expected, long[] expectedShape) = OnnxRuntimeReference.Run(model, images, feedShape);

        float[] actual;
        int[] actualShape;
        using (TensorScope.Begin())
        using (NoGradScope.Begin())
        {
            Tensor y = network.Forward(Tensor.FromArray(images, shape));
            actual = y.ToArray();
            actualShape = (int[])y.Shape.Clone();
        }

        Assert.Equal(expectedShape, actualShape.Select(d => (long)d));
        return AssertClose(expected, actual);
    }

    /// <summary>Asserts two outputs agree within <see cref="RelativeTolerance"/>; returns the max abs difference.</summary>
    public static double AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1.0, expected.Max(v => Math.Abs((double)v)));
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs((double)expected[i] - actual[i]));
        }

        Assert.True(worst <= RelativeTolerance * scale, $"max abs difference {worst:E2} exceeds {RelativeTolerance:E0} × scale {scale:G4}");
        return worst;
    }

    /// <summary>Seeded uniform pixels in [0,1].</summary>
    public static float[] Images(int[] shape, int seed)
    {
        var rng = new Random(seed);
        float[] values = new float[Tensor.ShapeSize(shape)];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)rng.NextDouble();
        }

        return values;
    }
}
