using FoolingCluster.Models.Imaging;
using Xunit;

namespace FoolingCluster.Models.Tests.Imaging;

public sealed class ImageGridTests
{
    [Fact]
    public void Dimensions_follow_the_documented_layout()
    {
        // 5 tiles of 28×28 in 3 columns: 2 rows. Cells are 112 wide (the image; "class 3" at
        // text scale 2 is 82) and 112 + 2 lines × (14 + 4) = 148 high.
        GridTile[] tiles = [.. Enumerable.Range(0, 5).Select(i => Digit($"class {i}", "99.99%"))];

        RgbPicture picture = ImageGrid.Compose(tiles, columns: 3, scale: 4, padding: 8, textScale: 2);

        Assert.Equal((3 * 112) + (4 * 8), picture.Width);
        Assert.Equal((2 * 148) + (3 * 8), picture.Height);
        Assert.Equal(picture.Width * picture.Height * 3, picture.Pixels.Length);
    }

    [Fact]
    public void Fewer_tiles_than_columns_narrow_the_grid_and_one_line_captions_shorten_it()
    {
        RgbPicture picture = ImageGrid.Compose([Digit("a", null), Digit("b", null)], columns: 10, scale: 1, padding: 2, textScale: 1);

        // Cell 28 × (28 + 7 + 2).
        Assert.Equal((2 * 28) + (3 * 2), picture.Width);
        Assert.Equal(37 + (2 * 2), picture.Height);
    }

    [Fact]
    public void Tile_pixels_are_enlarged_into_their_cell()
    {
        // A 2×2 RGB tile: red, green / blue, white. Scale 3, padding 5, one tile: the cell is as
        // wide as the caption ("x" at scale 1 is 5 < 6), so the image starts at (5, 5).
        float[] image =
        [
            1f, 0f, 0f, 1f,
            0f, 1f, 0f, 1f,
            0f, 0f, 1f, 1f,
        ];
        RgbPicture picture = ImageGrid.Compose([new GridTile(image, 3, 2, 2, "x")], columns: 1, scale: 3, padding: 5, textScale: 1);

        Assert.Equal((255, 0, 0), Pixel(picture, 5, 5));
        Assert.Equal((255, 0, 0), Pixel(picture, 7, 7));
        Assert.Equal((0, 255, 0), Pixel(picture, 8, 5));
        Assert.Equal((0, 255, 0), Pixel(picture, 10, 7));
        Assert.Equal((0, 0, 255), Pixel(picture, 5, 8));
        Assert.Equal((255, 255, 255), Pixel(picture, 10, 10));
        // Padding is white.
        Assert.Equal((255, 255, 255), Pixel(picture, 4, 4));
        Assert.Equal((255, 255, 255), Pixel(picture, 11, 5));
    }

    [Fact]
    public void Grey_tiles_are_grey_and_land_in_their_own_cell()
    {
        // Second tile, top-left pixel 0.5, the rest black; 3×3 tiles, scale 2, padding 4, 2 columns.
        float[] first = new float[9];
        float[] second = new float[9];
        second[0] = 0.5f;
        RgbPicture picture = ImageGrid.Compose([new GridTile(first, 1, 3, 3, ""), new GridTile(second, 1, 3, 3, "")], columns: 2, scale: 2, padding: 4, textScale: 1);

        // Cell width 6; second cell starts at 4 + 6 + 4 = 14.
        Assert.Equal((128, 128, 128), Pixel(picture, 14, 4));
        Assert.Equal((128, 128, 128), Pixel(picture, 15, 5));
        Assert.Equal((0, 0, 0), Pixel(picture, 16, 4));
        Assert.Equal((0, 0, 0), Pixel(picture, 4, 4));
    }

    [Fact]
    public void Captions_are_dark_text_under_the_image()
    {
        RgbPicture picture = ImageGrid.Compose([Digit("class 3", "99.99%")], columns: 1, scale: 4, padding: 8, textScale: 2);

        // The first caption line: below the 112-pixel image and its 4-pixel gap, 14 high.
        Assert.True(CountDark(picture, 8, 8 + 112 + 4, 112, 14) > 20);
        Assert.True(CountDark(picture, 8, 8 + 112 + 4 + 18, 112, 14) > 20);
        // The gap between the image and the caption stays white.
        Assert.Equal(0, CountDark(picture, 8, 8 + 112, 112, 4));
    }

    [Fact]
    public void No_tiles_give_a_blank_picture()
    {
        RgbPicture picture = ImageGrid.Compose([], columns: 4);
        Assert.Equal(16, picture.Width);
        Assert.All(picture.Pixels, b => Assert.Equal(255, b));
    }

    [Fact]
    public void Bad_tile_shape_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => ImageGrid.Compose([new GridTile(new float[5], 1, 2, 2, "x")], columns: 1));
    }

    private static GridTile Digit(string caption, string? second)
    {
        float[] image = new float[28 * 28];
        return new GridTile(image, 1, 28, 28, caption, second);
    }

    private static (int R, int G, int B) Pixel(RgbPicture picture, int x, int y)
    {
        int at = ((y * picture.Width) + x) * 3;
        return (picture.Pixels[at], picture.Pixels[at + 1], picture.Pixels[at + 2]);
    }

    private static int CountDark(RgbPicture picture, int left, int top, int width, int height)
    {
        int dark = 0;
        for (int y = top; y < top + height; y++)
        {
            for (int x = left; x < left + width; x++)
            {
                if (Pixel(picture, x, y).R < 64)
                {
                    dark++;
                }
            }
        }

        return dark;
    }
}
