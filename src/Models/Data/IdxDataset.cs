namespace FoolingCluster.Models.Data;

/// <summary>Builds an <see cref="ImageDataset"/> from a pair of idx files: images and labels.</summary>
public static class IdxDataset
{
    /// <summary>
    /// Reads images and labels and checks that they agree. Images may be ubyte (scaled by
    /// 1/255 into [0,1]) or float32 (taken as they are), shaped <c>[N,H,W]</c> (one channel)
    /// or <c>[N,C,H,W]</c>; labels are idx1 ubyte.
    /// </summary>
    /// <param name="imagesPath">The image file.</param>
    /// <param name="labelsPath">The label file.</param>
    /// <param name="limit">Keep only the first this many items; all when null.</param>
    /// <exception cref="MissingDataException">A file does not exist.</exception>
    /// <exception cref="DataFormatException">A file is malformed, or the files hold different numbers of items.</exception>
    public static ImageDataset Load(string imagesPath, string labelsPath, int? limit = null)
    {
        IdxArray images = IdxReader.Read(imagesPath);
        byte[] labels = IdxReader.ReadLabels(labelsPath);
        if (images.Dimensions.Length is not (3 or 4))
        {
            throw new DataFormatException(imagesPath, $"images must have 3 dimensions [N,H,W] or 4 [N,C,H,W], this file has {images.Dimensions.Length} ({IdxFormat.Dims(images.Dimensions)})");
        }

        if (images.Count != labels.Length)
        {
            throw new DataFormatException(labelsPath, $"holds {labels.Length} labels but {imagesPath} holds {images.Count} images");
        }

        int[] d = images.Dimensions;
        (int channels, int height, int width) = d.Length == 3 ? (1, d[1], d[2]) : (d[1], d[2], d[3]);
        int count = Math.Min(limit ?? labels.Length, labels.Length);
        int values = count * channels * height * width;

        float[] pixels = new float[values];
        if (images.Bytes is byte[] bytes)
        {
            // A table of byte/255 gives the correctly rounded quotient (multiplying by 1/255 is off by an ulp for some bytes).
            Span<float> scale = stackalloc float[256];
            for (int b = 0; b < scale.Length; b++)
            {
                scale[b] = b / 255f;
            }

            for (int i = 0; i < values; i++)
            {
                pixels[i] = scale[bytes[i]];
            }
        }
        else
        {
            images.Floats.AsSpan(0, values).CopyTo(pixels);
        }

        return new ImageDataset(pixels, labels.AsSpan(0, count).ToArray(), channels, height, width);
    }
}
