namespace FoolingCluster.Evolution.Genomes;

/// <summary>Colour encodings describe pixels as hue, saturation and value, as the reference experiments did.</summary>
public static class HsvToRgb
{
    /// <summary>
    /// Converts H,S,V planes to R,G,B planes in place of <paramref name="rgb"/>.
    /// </summary>
    /// <param name="hsv">Three planes <c>[3,P]</c>, every value in [0,1] (hue 1 = 360°).</param>
    /// <param name="rgb">Three planes <c>[3,P]</c> in [0,1]; may not overlap <paramref name="hsv"/>.</param>
    public static void Convert(ReadOnlySpan<float> hsv, Span<float> rgb)
    {
        int p = hsv.Length / 3;
        for (int i = 0; i < p; i++)
        {
            float h = hsv[i] - MathF.Floor(hsv[i]);
            float s = Math.Clamp(hsv[p + i], 0f, 1f);
            float v = Math.Clamp(hsv[(2 * p) + i], 0f, 1f);
            float h6 = h * 6f;
            int sector = Math.Min((int)h6, 5);
            float f = h6 - sector;
            float lo = v * (1f - s);
            float down = v * (1f - (s * f));
            float up = v * (1f - (s * (1f - f)));
            (float r, float g, float b) = sector switch
            {
                0 => (v, up, lo),
                1 => (down, v, lo),
                2 => (lo, v, up),
                3 => (lo, down, v),
                4 => (up, lo, v),
                _ => (v, lo, down),
            };
            rgb[i] = r;
            rgb[p + i] = g;
            rgb[(2 * p) + i] = b;
        }
    }
}
