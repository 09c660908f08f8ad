using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Randomness;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Genomes;

public class HsvToRgbTests
{
    [Theory]
    [InlineData(0f, 1f, 1f, 1f, 0f, 0f)] // red
    [InlineData(1f / 6, 1f, 1f, 1f, 1f, 0f)] // yellow
    [InlineData(1f / 3, 1f, 1f, 0f, 1f, 0f)] // green
    [InlineData(0.5f, 1f, 1f, 0f, 1f, 1f)] // cyan
    [InlineData(2f / 3, 1f, 1f, 0f, 0f, 1f)] // blue
    [InlineData(5f / 6, 1f, 1f, 1f, 0f, 1f)] // magenta
    [InlineData(1f, 1f, 1f, 1f, 0f, 0f)] // hue 1 is 360°, red again
    [InlineData(0.3f, 0f, 1f, 1f, 1f, 1f)] // white: no saturation, full value
    [InlineData(0.7f, 1f, 0f, 0f, 0f, 0f)] // black: no value
    [InlineData(0.2f, 0f, 0.5f, 0.5f, 0.5f, 0.5f)] // grey
    [InlineData(0f, 0.5f, 1f, 1f, 0.5f, 0.5f)] // pink: half-saturated red
    [InlineData(2f / 3, 1f, 0.5f, 0f, 0f, 0.5f)] // navy
    public void Known_colours_convert_correctly(float h, float s, float v, float r, float g, float b)
    {
        float[] hsv = [h, s, v];
        var rgb = new float[3];

        HsvToRgb.Convert(hsv, rgb);

        Assert.Equal(r, rgb[0], 1e-5f);
        Assert.Equal(g, rgb[1], 1e-5f);
        Assert.Equal(b, rgb[2], 1e-5f);
    }

    [Fact]
    public void Planes_are_converted_pixel_by_pixel()
    {
        // Three pixels: red, green, blue, laid out as H plane, S plane, V plane.
        float[] hsv = [0f, 1f / 3, 2f / 3, 1f, 1f, 1f, 1f, 1f, 1f];
        var rgb = new float[9];

        HsvToRgb.Convert(hsv, rgb);

        float[] expected = [1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f, 1f];
        for (int i = 0; i < 9; i++)
        {
            Assert.Equal(expected[i], rgb[i], 1e-5f);
        }
    }

    [Fact]
    public void Random_colours_match_the_textbook_formula()
    {
        var random = new DeterministicRandom(41);
        const int pixels = 5000;
        var hsv = new float[3 * pixels];
        for (int i = 0; i < hsv.Length; i++)
        {
            hsv[i] = (float)random.NextDouble();
        }

        var rgb = new float[3 * pixels];
        var expected = new float[3 * pixels];
        HsvToRgb.Convert(hsv, rgb);
        ReferenceConvert(hsv, expected);

        for (int i = 0; i < rgb.Length; i++)
        {
            Assert.Equal(expected[i], rgb[i], 1e-5f);
            Assert.InRange(rgb[i], 0f, 1f);
        }
    }

    /// <summary>C = V·S, X = C·(1 − |H′ mod 2 − 1|), m = V − C, in double precision.</summary>
    internal static void ReferenceConvert(ReadOnlySpan<float> hsv, Span<float> rgb)
    {
        int p = hsv.Length / 3;
        for (int i = 0; i < p; i++)
        {
            double h = (hsv[i] % 1.0) * 6.0;
            double s = hsv[p + i];
            double v = hsv[(2 * p) + i];
            double c = v * s;
            double x = c * (1 - Math.Abs((h % 2.0) - 1));
            double m = v - c;
            (double r, double g, double b) = h switch
            {
                < 1 => (c, x, 0.0),
                < 2 => (x, c, 0.0),
                < 3 => (0.0, c, x),
                < 4 => (0.0, x, c),
                < 5 => (x, 0.0, c),
                _ => (c, 0.0, x),
            };
            rgb[i] = (float)(r + m);
            rgb[p + i] = (float)(g + m);
            rgb[(2 * p) + i] = (float)(b + m);
        }
    }
}
