using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// One row of 2×2 windows pooled straight from two product rows (<see cref="PoolMax2x2.WindowRow"/>,
/// the fused convolution's pooling) gives the bits of the pooling kernel on the same two rows, for
/// rows narrower and wider than a vector, with ties, signed zeros and NaN in the windows, and
/// writes nothing past its last output.
/// </summary>
public class PoolWindowRowTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(17)]
    [InlineData(32)]
    public unsafe void Matches_the_pooling_kernel_on_the_same_rows(int count)
    {
        var rng = new Random(count);
        float[] pick = [0f, -0f, 1f, -1f, float.NaN, 2.5f];
        for (int trial = 0; trial < 20; trial++)
        {
            // Few distinct values, so windows hold ties, both zeros and NaN.
            float[] rows = new float[4 * count];
            for (int i = 0; i < rows.Length; i++)
            {
                rows[i] = trial % 2 == 0 ? pick[rng.Next(pick.Length)] : (float)rng.NextDouble() - 0.5f;
            }

            float[] expected = new float[count];
            PoolMax2x2.Forward(rows, 1, 2, 2 * count, expected, default);
            foreach (bool addOffset in new[] { false, true })
            {
                float offset = addOffset ? 0.25f : 0f;
                float[] actual = new float[count + 1];
                actual[count] = 123f;
                fixed (float* r = rows, y = actual)
                {
                    PoolMax2x2.WindowRow(r, r + (2 * count), y, count, offset, addOffset);
                }

                for (int t = 0; t < count; t++)
                {
                    float want = addOffset ? expected[t] + offset : expected[t];
                    Assert.Equal(BitConverter.SingleToInt32Bits(want), BitConverter.SingleToInt32Bits(actual[t]));
                }

                Assert.Equal(123f, actual[count]);
            }
        }
    }
}
