using System.Buffers.Binary;
using System.IO.Compression;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Models.Imaging;

/// <summary>
/// Writes 8-bit grey or RGB PNGs: one IHDR, one IDAT (zlib, every row with filter type 0),
/// one IEND. Files are written under a temporary name and renamed, so a reader never sees half a file.
/// </summary>
public static class PngWriter
{
    /// <summary>Writes 8-bit pixels, row-major: <c>[H,W]</c> for grey, <c>[H,W,3]</c> interleaved for RGB.</summary>
    /// <exception cref="ArgumentException">A size is not positive or the pixel count does not match it.</exception>
    public static void Write(string path, ReadOnlySpan<byte> pixels, int width, int height, PngColor color)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] png = Encode(pixels, width, height, color);
        using var file = AtomicFile.Create(path);
        file.Stream.Write(png);
        file.Commit();
    }

    /// <summary>Writes an RGB picture, e.g. a captioned grid of images.</summary>
    public static void Write(string path, RgbPicture picture)
    {
        ArgumentNullException.ThrowIfNull(picture);
        Write(path, picture.Pixels, picture.Width, picture.Height, PngColor.Rgb);
    }

    /// <summary>
    /// Writes a planar <c>[C,H,W]</c> float image in [0,1] (C = 1 grey, C = 3 RGB), quantised
    /// with <see cref="PixelQuantizer.ToByte"/>.
    /// </summary>
    /// <exception cref="ArgumentException">C is not 1 or 3, a size is not positive, or the length is not C·H·W.</exception>
    public static void WriteFloat(string path, ReadOnlySpan<float> image, int channels, int height, int width)
    {
        byte[] pixels = PixelQuantizer.ToInterleaved(image, channels, height, width);
        Write(path, pixels, width, height, channels == 3 ? PngColor.Rgb : PngColor.Grey);
    }

    /// <summary>The PNG file's bytes for an RGB picture, e.g. to embed as a base64 data URI.</summary>
    public static byte[] Encode(RgbPicture picture)
    {
        ArgumentNullException.ThrowIfNull(picture);
        return Encode(picture.Pixels, picture.Width, picture.Height, PngColor.Rgb);
    }

    /// <summary>The PNG file's bytes for 8-bit pixels laid out as for <see cref="Write(string, ReadOnlySpan{byte}, int, int, PngColor)"/>.</summary>
    /// <exception cref="ArgumentException">A size is not positive or the pixel count does not match it.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, PngColor color)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        int channels = PngFormat.Channels(color);
        long rowBytes = (long)width * channels;
        if (rowBytes * height != pixels.Length)
        {
            throw new ArgumentException($"a {width}×{height} {color} image has {rowBytes * height} bytes but {pixels.Length} were given", nameof(pixels));
        }

        using var png = new MemoryStream();
        png.Write(PngFormat.Signature);
        PngFormat.WriteChunk(png, "IHDR", Header(width, height, color));
        PngFormat.WriteChunk(png, "IDAT", Compress(pixels, (int)rowBytes, height));
        PngFormat.WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static byte[] Header(int width, int height, PngColor color)
    {
        byte[] header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = color == PngColor.Rgb ? PngFormat.ColorTypeRgb : PngFormat.ColorTypeGrey;
        // Bytes 10-12: deflate compression, adaptive filtering, no interlace, all zero.
        return header;
    }

    private static byte[] Compress(ReadOnlySpan<byte> pixels, int rowBytes, int height)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            // Filter type 0 on every row: the images here are small, and unfiltered rows keep
            // the encoder obviously correct.
            ReadOnlySpan<byte> none = [0];
            for (int y = 0; y < height; y++)
            {
                zlib.Write(none);
                zlib.Write(pixels.Slice(y * rowBytes, rowBytes));
            }
        }

        return compressed.ToArray();
    }
}
