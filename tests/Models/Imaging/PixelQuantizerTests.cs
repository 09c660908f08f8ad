using FoolingCluster.Models.Imaging;
using Xunit;

namespace FoolingCluster.Models.Tests.Imaging;

public sealed class PixelQuantizerTests
{
    [Theory]
    [InlineData(0f, 0)]
    [InlineData(1f, 255)]
    [InlineData(0.5f, 128)]
    [InlineData(-3f, 0)]
    [InlineData(7f, 255)]
    [InlineData(float.NaN, 0)]
    [InlineData(float.PositiveInfinity, 255)]
    public void ToByte_rounds_and_clamps(float value, byte expected)
    {
        Assert.Equal(expected, PixelQuantizer.ToByte(value));
    }

    [Fact]
    public void Every_byte_survives_a_float_round_trip()
    {
        for (int b = 0; b < 256; b++)
        {
            Assert.Equal((byte)b, PixelQuantizer.ToByte(PixelQuantizer.ToFloat((byte)b)));
        }
    }

    [Fact]
    public void Quantize_is_idempotent()
    {
        float[] values = [0.1234f, 0.5f, 0.99995f, -1f];
        PixelQuantizer.Quantize(values);
        float[] again = (float[])values.Clone();
        PixelQuantizer.Quantize(again);

        Assert.Equal(values, again);
        Assert.Equal(1f, values[2]);
        Assert.Equal(0f, values[3]);
    }

    [Fact]
    public void ToInterleaved_moves_planes_into_pixels()
    {
        // [3,1,2]: R = (0, 1), G = (1, 0), B = (0, 0).
        byte[] pixels = PixelQuantizer.ToInterleaved([0f, 1f, 1f, 0f, 0f, 0f], channels: 3, height: 1, width: 2);
        Assert.Equal(new byte[] { 0, 255, 0, 255, 0, 0 }, pixels);
    }

    [Fact]
    public void Vectorised_quantise_equals_the_scalar_mapping_bit_for_bit()
    {
        var random = new Random(11);
        var values = new List<float> { float.NaN, -0f, 0f, 1f, -1f, 2f, float.PositiveInfinity, float.NegativeInfinity };
        for (int b = 0; b < 256; b++)
        {
            values.Add((b + 0.5f) / 255f);
            values.Add(MathF.BitDecrement((b + 0.5f) / 255f));
            values.Add(MathF.BitIncrement((b + 0.5f) / 255f));
        }

        for (int i = 0; i < 5000; i++)
        {
            values.Add((float)((random.NextDouble() * 1.4) - 0.2));
        }

        for (int length = 0; length <= values.Count; length += length < 70 ? 1 : 997)
        {
            float[] vector = values.Take(length).ToArray();
            PixelQuantizer.Quantize(vector);
            for (int i = 0; i < length; i++)
            {
                float expected = PixelQuantizer.ToFloat(PixelQuantizer.ToByte(values[i]));
                Assert.True(expected.Equals(vector[i]), $"value {values[i]:R}: scalar {expected:R}, vectorised {vector[i]:R}");
            }
        }
    }
}
