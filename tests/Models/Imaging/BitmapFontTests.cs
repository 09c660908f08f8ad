using FoolingCluster.Models.Imaging;
using Xunit;

namespace FoolingCluster.Models.Tests.Imaging;

public sealed class BitmapFontTests
{
    private static readonly (byte R, byte G, byte B) _red = (255, 0, 0);

    [Fact]
    public void A_digit_sets_pixels_inside_its_box_only()
    {
        byte[] rgb = new byte[20 * 20 * 3];

        BitmapFont.Draw(rgb, 20, 20, 3, 4, "0", _red, 1);

        int set = 0;
        for (int y = 0; y < 20; y++)
        {
            for (int x = 0; x < 20; x++)
            {
                if (rgb[((y * 20) + x) * 3] != 0)
                {
                    set++;
                    Assert.InRange(x, 3, 3 + BitmapFont.GlyphWidth - 1);
                    Assert.InRange(y, 4, 4 + BitmapFont.GlyphHeight - 1);
                    Assert.Equal(0, rgb[(((y * 20) + x) * 3) + 1]);
                }
            }
        }

        Assert.InRange(set, 10, BitmapFont.GlyphWidth * BitmapFont.GlyphHeight - 1);
    }

    [Fact]
    public void A_space_sets_nothing()
    {
        byte[] rgb = new byte[20 * 20 * 3];

        BitmapFont.Draw(rgb, 20, 20, 0, 0, "   ", _red, 2);

        Assert.All(rgb, b => Assert.Equal(0, b));
    }

    [Fact]
    public void Scale_turns_each_font_pixel_into_a_square()
    {
        byte[] one = new byte[10 * 10 * 3];
        byte[] three = new byte[30 * 30 * 3];

        BitmapFont.Draw(one, 10, 10, 0, 0, "7", _red, 1);
        BitmapFont.Draw(three, 30, 30, 0, 0, "7", _red, 3);

        for (int y = 0; y < 30; y++)
        {
            for (int x = 0; x < 30; x++)
            {
                Assert.Equal(one[(((y / 3) * 10) + (x / 3)) * 3], three[((y * 30) + x) * 3]);
            }
        }
    }

    [Fact]
    public void Unknown_characters_draw_as_a_box()
    {
        byte[] rgb = new byte[10 * 10 * 3];

        BitmapFont.Draw(rgb, 10, 10, 0, 0, "\u00e9", _red, 1);

        // The box's corners and edges are set, its middle is not.
        Assert.Equal(255, rgb[0]);
        Assert.Equal(255, rgb[((6 * 10) + 4) * 3]);
        Assert.Equal(0, rgb[((3 * 10) + 2) * 3]);
    }

    [Theory]
    [InlineData(-4, -5)]
    [InlineData(17, 16)]
    [InlineData(-1000, 3)]
    [InlineData(int.MaxValue - 3, 0)]
    [InlineData(0, int.MinValue + 1)]
    public void Text_at_or_past_the_edges_is_clipped(int x, int y)
    {
        byte[] rgb = new byte[20 * 20 * 3];

        BitmapFont.Draw(rgb, 20, 20, x, y, "Hello 99.99% (x=3)", _red, 2);
    }

    [Fact]
    public void Text_half_off_the_left_edge_still_shows_its_right_part()
    {
        byte[] rgb = new byte[20 * 20 * 3];

        BitmapFont.Draw(rgb, 20, 20, -3, 0, "11", _red, 1);

        Assert.Contains(rgb, b => b != 0);
    }

    [Fact]
    public void Too_small_a_buffer_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => BitmapFont.Draw(new byte[10], 2, 2, 0, 0, "a", _red, 1));
    }

    [Theory]
    [InlineData("", 1, 0, 7)]
    [InlineData("0", 1, 5, 7)]
    [InlineData("99.99%", 1, 35, 7)]
    [InlineData("class 3", 2, 82, 14)]
    public void Measure_counts_glyphs_and_gaps(string text, int scale, int width, int height)
    {
        Assert.Equal((width, height), BitmapFont.Measure(text, scale));
    }

    [Fact]
    public void Every_printable_character_but_space_has_a_glyph_distinct_from_the_box()
    {
        byte[] box = Render("\u0001");
        for (char c = '!'; c <= '~'; c++)
        {
            byte[] glyph = Render(c.ToString());
            Assert.Contains(glyph, b => b != 0);
            Assert.NotEqual(box, glyph);
        }
    }

    private static byte[] Render(string text)
    {
        byte[] rgb = new byte[5 * 7 * 3];
        BitmapFont.Draw(rgb, 5, 7, 0, 0, text, _red, 1);
        return rgb;
    }
}
