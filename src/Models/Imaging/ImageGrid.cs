namespace FoolingCluster.Models.Imaging;

/// <summary>
/// Composes captioned images into one RGB picture: black <see cref="BitmapFont"/> text on
/// white, each image enlarged by nearest neighbour so single pixels stay visible.
/// </summary>
/// <remarks>
/// Layout, for n tiles: the grid has <c>cols = min(columns, n)</c> columns and
/// <c>rows = ceil(n / cols)</c> rows of equal cells.
/// A cell is <c>cellWidth = max(W·scale, widest caption)</c> wide and
/// <c>cellHeight = max(H·scale) + lines·(7·textScale + 2·textScale)</c> high, where lines is 2
/// if any tile has a second caption and 1 otherwise (each line has a 2·textScale gap above it).
/// The picture is <c>cols·cellWidth + (cols + 1)·padding</c> by <c>rows·cellHeight + (rows + 1)·padding</c>.
/// Each image sits at the top of its cell, centred across it; captions are centred under the image area.
/// </remarks>
public static class ImageGrid
{
    private static readonly (byte R, byte G, byte B) _textColour = (0, 0, 0);

    /// <summary>Lays out <paramref name="tiles"/> row by row, <paramref name="columns"/> to a row; see the remarks for the geometry.</summary>
    /// <param name="tiles">The images and their captions, in reading order.</param>
    /// <param name="columns">Cells per row (fewer if there are fewer tiles).</param>
    /// <param name="scale">Integer enlargement, e.g. 4 turns a 28×28 digit into 112×112.</param>
    /// <param name="padding">Blank pixels around and between cells.</param>
    /// <param name="textScale">Caption font enlargement; each font pixel becomes textScale×textScale.</param>
    /// <returns>The picture; with no tiles, a blank square of side max(1, 2·padding).</returns>
    /// <exception cref="ArgumentException">A tile's shape is invalid (see <see cref="PixelQuantizer.ToInterleaved"/>) or a size argument is out of range.</exception>
    public static RgbPicture Compose(IReadOnlyList<GridTile> tiles, int columns, int scale = 4, int padding = 8, int textScale = 2)
    {
        ArgumentNullException.ThrowIfNull(tiles);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(textScale);
        if (tiles.Count == 0)
        {
            int side = Math.Max(1, 2 * padding);
            return Blank(side, side);
        }

        int cellWidth = 0;
        int imageHeight = 0;
        bool twoLines = false;
        foreach (GridTile tile in tiles)
        {
            ArgumentNullException.ThrowIfNull(tile, nameof(tiles));
            cellWidth = Math.Max(cellWidth, tile.Width * scale);
            cellWidth = Math.Max(cellWidth, BitmapFont.Measure(tile.Caption, textScale).Width);
            if (tile.SecondCaption is not null)
            {
                cellWidth = Math.Max(cellWidth, BitmapFont.Measure(tile.SecondCaption, textScale).Width);
                twoLines = true;
            }

            imageHeight = Math.Max(imageHeight, tile.Height * scale);
        }

        int gap = 2 * textScale;
        int lineHeight = (BitmapFont.GlyphHeight * textScale) + gap;
        int cellHeight = imageHeight + ((twoLines ? 2 : 1) * lineHeight);
        int cols = Math.Min(columns, tiles.Count);
        int rows = (tiles.Count + cols - 1) / cols;
        RgbPicture picture = Blank(
            checked((cols * cellWidth) + ((cols + 1) * padding)),
            checked((rows * cellHeight) + ((rows + 1) * padding)));

        for (int i = 0; i < tiles.Count; i++)
        {
            GridTile tile = tiles[i];
            int cellLeft = padding + ((i % cols) * (cellWidth + padding));
            int cellTop = padding + ((i / cols) * (cellHeight + padding));
            PasteScaled(picture, tile, cellLeft + ((cellWidth - (tile.Width * scale)) / 2), cellTop, scale);

            int captionTop = cellTop + imageHeight + gap;
            DrawCentred(picture, tile.Caption, cellLeft, cellWidth, captionTop, textScale);
            if (tile.SecondCaption is not null)
            {
                DrawCentred(picture, tile.SecondCaption, cellLeft, cellWidth, captionTop + lineHeight, textScale);
            }
        }

        return picture;
    }

    private static RgbPicture Blank(int width, int height)
    {
        byte[] pixels = new byte[width * height * 3];
        pixels.AsSpan().Fill(255);
        return new RgbPicture(width, height, pixels);
    }

    private static void PasteScaled(RgbPicture picture, GridTile tile, int left, int top, int scale)
    {
        ArgumentNullException.ThrowIfNull(tile.Image, nameof(tile));
        byte[] source = PixelQuantizer.ToInterleaved(tile.Image, tile.Channels, tile.Height, tile.Width);
        int channels = tile.Channels;
        Span<byte> target = picture.Pixels;
        for (int y = 0; y < tile.Height * scale; y++)
        {
            int sourceRow = (y / scale) * tile.Width;
            int targetRow = ((top + y) * picture.Width) + left;
            for (int x = 0; x < tile.Width * scale; x++)
            {
                int from = (sourceRow + (x / scale)) * channels;
                int to = (targetRow + x) * 3;
                // Grey replicates its one value into R, G and B.
                target[to] = source[from];
                target[to + 1] = source[from + (channels == 3 ? 1 : 0)];
                target[to + 2] = source[from + (channels == 3 ? 2 : 0)];
            }
        }
    }

    private static void DrawCentred(RgbPicture picture, string text, int cellLeft, int cellWidth, int top, int textScale)
    {
        int width = BitmapFont.Measure(text, textScale).Width;
        BitmapFont.Draw(picture.Pixels, picture.Width, picture.Height, cellLeft + ((cellWidth - width) / 2), top, text, _textColour, textScale);
    }
}
