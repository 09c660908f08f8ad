namespace FoolingCluster.Models.Imaging;

/// <summary>
/// A 5×7 pixel font for captions drawn into pictures, covering printable ASCII (space to
/// tilde). Any other character, including a newline, draws as a hollow box so that a missing
/// glyph shows instead of silently vanishing. Glyphs are one column apart; text is one line.
/// </summary>
public static class BitmapFont
{
    /// <summary>Glyph width in font pixels.</summary>
    public const int GlyphWidth = 5;

    /// <summary>Glyph height in font pixels.</summary>
    public const int GlyphHeight = 7;

    /// <summary>Distance from one glyph's left edge to the next, in font pixels: the glyph plus one blank column.</summary>
    public const int Advance = GlyphWidth + 1;

    /// <summary>
    /// The size in image pixels that <paramref name="text"/> covers at <paramref name="scale"/>
    /// (each font pixel a scale×scale square): no trailing gap after the last glyph, and
    /// always one line high, even for empty text (width 0).
    /// </summary>
    public static (int Width, int Height) Measure(string text, int scale)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        int width = text.Length == 0 ? 0 : ((text.Length * Advance) - 1) * scale;
        return (width, GlyphHeight * scale);
    }

    /// <summary>
    /// Draws <paramref name="text"/> with its top-left corner at (<paramref name="x"/>,
    /// <paramref name="y"/>) into an interleaved RGB buffer <c>[H,W,3]</c>. Only glyph pixels are
    /// set; the background is left as it is. Parts outside the image are clipped, so the position
    /// may be negative or beyond the edges.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is smaller than imageWidth·imageHeight·3.</exception>
    public static void Draw(Span<byte> rgb, int imageWidth, int imageHeight, int x, int y, string text, (byte R, byte G, byte B) colour, int scale)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegative(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegative(imageHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        if (rgb.Length < (long)imageWidth * imageHeight * 3)
        {
            throw new ArgumentException($"a {imageWidth}×{imageHeight} RGB image needs {(long)imageWidth * imageHeight * 3} bytes but the buffer has {rgb.Length}", nameof(rgb));
        }

        for (int i = 0; i < text.Length; i++)
        {
            // Long arithmetic: a far-off start position must clip, not overflow into view.
            long glyphLeft = x + ((long)i * Advance * scale);
            if (glyphLeft >= imageWidth)
            {
                break;
            }

            ReadOnlySpan<byte> columns = BitmapFontGlyphs.Of(text[i]);
            for (int column = 0; column < GlyphWidth; column++)
            {
                for (int row = 0; row < GlyphHeight; row++)
                {
                    if ((columns[column] & (1 << row)) != 0)
                    {
                        FillSquare(rgb, imageWidth, imageHeight, glyphLeft + ((long)column * scale), y + ((long)row * scale), scale, colour);
                    }
                }
            }
        }
    }

    private static void FillSquare(Span<byte> rgb, int imageWidth, int imageHeight, long left, long top, int size, (byte R, byte G, byte B) colour)
    {
        int x0 = (int)Math.Clamp(left, 0, imageWidth);
        int x1 = (int)Math.Clamp(left + size, 0, imageWidth);
        int y0 = (int)Math.Clamp(top, 0, imageHeight);
        int y1 = (int)Math.Clamp(top + size, 0, imageHeight);
        for (int py = y0; py < y1; py++)
        {
            for (int px = x0; px < x1; px++)
            {
                int at = ((py * imageWidth) + px) * 3;
                rgb[at] = colour.R;
                rgb[at + 1] = colour.G;
                rgb[at + 2] = colour.B;
            }
        }
    }
}
