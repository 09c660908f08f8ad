using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Imaging;

namespace FoolingCluster.Runs.Reporting;

/// <summary>Small copies of elite images for pages and grids that show many cells at once.</summary>
public static class Thumbnail
{
    /// <summary>The PNG bytes of <paramref name="image"/> shrunk by <see cref="Shrink"/>.</summary>
    /// <param name="image"><c>[C,H,W]</c> of <paramref name="shape"/>, values in [0,1].</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="maxSide">Longest side of the thumbnail.</param>
    public static byte[] Png(float[] image, ImageShape shape, int maxSide)
    {
        (float[] small, int h, int w) = Shrink(image, shape.Channels, shape.Height, shape.Width, maxSide);
        byte[] pixels = PixelQuantizer.ToInterleaved(small, shape.Channels, h, w);
        return PngWriter.Encode(pixels, w, h, shape.Channels == 3 ? PngColor.Rgb : PngColor.Grey);
    }

    /// <summary>
    /// Shrinks <paramref name="image"/> so its longer side is at most <paramref name="maxSide"/>,
    /// averaging the source pixels each output pixel covers (box filter). An image already small
    /// enough is returned as it is, so MNIST's 28×28 digits keep their exact pixels.
    /// </summary>
    /// <param name="image"><c>[C,H,W]</c> values in [0,1].</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="maxSide">Longest side of the result.</param>
    /// <returns>The <c>[C,h,w]</c> image and its h and w.</returns>
    public static (float[] Image, int Height, int Width) Shrink(float[] image, int channels, int height, int width, int maxSide)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        if (Math.Max(height, width) <= maxSide)
        {
            return (image, height, width);
        }

        double factor = (double)Math.Max(height, width) / maxSide;
        int h = Math.Max(1, (int)Math.Round(height / factor));
        int w = Math.Max(1, (int)Math.Round(width / factor));
        var result = new float[channels * h * w];
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < h; y++)
            {
                int y0 = y * height / h, y1 = Math.Max(y0 + 1, (y + 1) * height / h);
                for (int x = 0; x < w; x++)
                {
                    int x0 = x * width / w, x1 = Math.Max(x0 + 1, (x + 1) * width / w);
                    double sum = 0;
                    for (int sy = y0; sy < y1; sy++)
                    {
                        for (int sx = x0; sx < x1; sx++)
                        {
                            sum += image[(c * height * width) + (sy * width) + sx];
                        }
                    }

                    result[(c * h * w) + (y * w) + x] = (float)(sum / ((y1 - y0) * (x1 - x0)));
                }
            }
        }

        return (result, h, w);
    }
}
