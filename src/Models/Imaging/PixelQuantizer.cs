using System.Numerics.Tensors;

namespace FoolingCluster.Models.Imaging;

/// <summary>
/// The one mapping between float pixels in [0,1] and 8-bit PNG values. The search quantises its
/// candidates with this before scoring them, so the confidence it reports is the confidence of
/// exactly the image it saves.
/// </summary>
public static class PixelQuantizer
{
    /// <summary>Rounds <paramref name="value"/> (nominally in [0,1]) to the nearest of 256 levels; out-of-range values clamp, NaN gives 0.</summary>
    public static byte ToByte(float value) => (byte)Math.Clamp((int)MathF.Round(value * 255f), 0, 255);

    /// <summary>The float in [0,1] that an 8-bit value stands for.</summary>
    public static float ToFloat(byte value) => value / 255f;

    /// <summary>Replaces each value by the float its 8-bit quantisation reads back as, in place.</summary>
    /// <remarks>Vectorised, and equal bit for bit to <c>ToFloat(ToByte(v))</c> for every value (NaN gives 0).</remarks>
    public static void Quantize(Span<float> values)
    {
        TensorPrimitives.Multiply(values, 255f, values);
        TensorPrimitives.Round(values, values);
        TensorPrimitives.MaxNumber(values, 0f, values);
        TensorPrimitives.Min(values, 255f, values);
        TensorPrimitives.Divide(values, 255f, values);
    }

    /// <summary>
    /// Quantises a planar <c>[C,H,W]</c> float image in [0,1] into interleaved 8-bit pixels:
    /// <c>[H,W]</c> for C = 1, <c>[H,W,3]</c> for C = 3.
    /// </summary>
    /// <exception cref="ArgumentException">C is not 1 or 3, a size is not positive, or the length is not C·H·W.</exception>
    public static byte[] ToInterleaved(ReadOnlySpan<float> image, int channels, int height, int width)
    {
        CheckPlanarShape(image.Length, channels, height, width);
        int plane = height * width;
        byte[] pixels = new byte[plane * channels];
        for (int c = 0; c < channels; c++)
        {
            ReadOnlySpan<float> source = image.Slice(c * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                pixels[(i * channels) + c] = ToByte(source[i]);
            }
        }

        return pixels;
    }

    internal static void CheckPlanarShape(int length, int channels, int height, int width)
    {
        if (channels is not (1 or 3))
        {
            throw new ArgumentException($"an image has 1 (grey) or 3 (RGB) channels, not {channels}", nameof(channels));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if ((long)channels * height * width != length)
        {
            throw new ArgumentException($"a [{channels},{height},{width}] image has {(long)channels * height * width} values but {length} were given", nameof(channels));
        }
    }
}
