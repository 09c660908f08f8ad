using System.Buffers.Binary;
using System.IO.Compression;
using FoolingCluster.Models.Imaging;

namespace FoolingCluster.Models.Tests.Imaging;

/// <summary>
/// A deliberately separate PNG encoder for tests: it applies any of the five row filters and
/// splits the data over several IDAT chunks, so the reader is checked against files the
/// project's writer never produces.
/// </summary>
internal static class TestPng
{
    public static byte[] Header(int width, int height, byte bitDepth, byte colorType, byte interlace = 0)
    {
        byte[] header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = bitDepth;
        header[9] = colorType;
        header[12] = interlace;
        return header;
    }

    /// <summary>Signature, IHDR, the compressed scanlines in IDAT chunks of at most <paramref name="idatSize"/> bytes, IEND.</summary>
    public static byte[] Build(byte[] header, byte[] scanlines, int idatSize = int.MaxValue)
    {
        byte[] compressed = Deflate(scanlines);
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        png.Write(Chunk("IHDR", header));
        png.Write(Chunk("tEXt", "Comment\0ancillary, skipped"u8.ToArray()));
        for (int start = 0; start < compressed.Length; start += idatSize)
        {
            png.Write(Chunk("IDAT", compressed[start..Math.Min(compressed.Length, start + idatSize)]));
        }

        png.Write(Chunk("IEND", []));
        return png.ToArray();
    }

    public static byte[] Chunk(string type, byte[] data)
    {
        byte[] chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        for (int i = 0; i < 4; i++)
        {
            chunk[4 + i] = (byte)type[i];
        }

        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32.Compute(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    public static byte[] Deflate(byte[] data)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(data);
        }

        return compressed.ToArray();
    }

    /// <summary>Scanlines for 8-bit <paramref name="samples"/> (row-major), each row filtered with <paramref name="filterOfRow"/>(y).</summary>
    public static byte[] Filter(byte[] samples, int height, int bytesPerPixel, Func<int, byte> filterOfRow)
    {
        int rowBytes = samples.Length / height;
        byte[] lines = new byte[height * (rowBytes + 1)];
        for (int y = 0; y < height; y++)
        {
            byte filter = filterOfRow(y);
            lines[y * (rowBytes + 1)] = filter;
            for (int i = 0; i < rowBytes; i++)
            {
                int x = samples[(y * rowBytes) + i];
                int a = i >= bytesPerPixel ? samples[(y * rowBytes) + i - bytesPerPixel] : 0;
                int b = y > 0 ? samples[((y - 1) * rowBytes) + i] : 0;
                int c = y > 0 && i >= bytesPerPixel ? samples[((y - 1) * rowBytes) + i - bytesPerPixel] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new ArgumentOutOfRangeException(nameof(filterOfRow)),
                };
                lines[(y * (rowBytes + 1)) + 1 + i] = (byte)(x - predicted);
            }
        }

        return lines;
    }

    // As written in the PNG specification, section 9.4.
    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        if (pa <= pb && pa <= pc)
        {
            return a;
        }

        if (pb <= pc)
        {
            return b;
        }

        return c;
    }

    public static byte[] RandomBytes(int count, int seed)
    {
        byte[] bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
