namespace FoolingCluster.Models.Imaging;

/// <summary>
/// A decoded 8-bit image: <paramref name="Pixels"/> is row-major, <c>[H,W]</c> for grey and
/// <c>[H,W,3]</c> interleaved for RGB.
/// </summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Color">Grey or RGB.</param>
/// <param name="Pixels">Width·Height·Channels bytes.</param>
public sealed record PngImage(int Width, int Height, PngColor Color, byte[] Pixels)
{
    /// <summary>1 for grey, 3 for RGB.</summary>
    public int Channels => PngFormat.Channels(Color);

    /// <summary>The image as planar <c>[C,H,W]</c> floats in [0,1], the layout the networks take.</summary>
    public float[] ToFloat()
    {
        int channels = Channels;
        int plane = Width * Height;
        float[] image = new float[channels * plane];
        for (int c = 0; c < channels; c++)
        {
            Span<float> target = image.AsSpan(c * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                target[i] = PixelQuantizer.ToFloat(Pixels[(i * channels) + c]);
            }
        }

        return image;
    }
}
