using System.Buffers.Binary;
using System.IO.Compression;
using FoolingCluster.Models.Data;

namespace FoolingCluster.Models.Imaging;

/// <summary>
/// Reads non-interlaced 8-bit PNGs: grey, grey+alpha, RGB and RGBA, with any of the five row
/// filters and the image data split over any number of IDAT chunks. Alpha is dropped (not
/// composited), so the result is grey or RGB like the images this project writes. Every problem
/// is reported as a <see cref="DataFormatException"/> naming the file.
/// </summary>
public static class PngReader
{
    /// <summary>Reads the PNG at <paramref name="path"/>.</summary>
    /// <exception cref="MissingDataException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not a PNG, is corrupt or truncated, or uses a feature this reader does not support (palette, bit depth other than 8, interlacing).</exception>
    public static PngImage Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new MissingDataException(path, $"PNG file {path} does not exist");
        }

        return Decode(path, File.ReadAllBytes(path));
    }

    /// <summary>Decodes PNG bytes held in memory; <paramref name="source"/> names them in messages.</summary>
    /// <exception cref="DataFormatException">The bytes are not a PNG this reader supports.</exception>
    public static PngImage Decode(byte[] png, string source)
    {
        ArgumentNullException.ThrowIfNull(png);
        return Decode(source, png);
    }

    /// <summary>Decodes PNG bytes; <paramref name="path"/> only names the source in messages.</summary>
    internal static PngImage Decode(string path, byte[] png)
    {
        if (png.Length < PngFormat.Signature.Length || !png.AsSpan(0, PngFormat.Signature.Length).SequenceEqual(PngFormat.Signature))
        {
            throw new DataFormatException(path, "not a PNG file: it does not start with the 8-byte PNG signature");
        }

        Header? header = null;
        using var imageData = new MemoryStream();
        bool sawData = false;
        bool sawEnd = false;
        int position = PngFormat.Signature.Length;
        while (!sawEnd)
        {
            if (position == png.Length)
            {
                throw new DataFormatException(path, header is null
                    ? "truncated: the file ends after the PNG signature"
                    : "truncated: the file ends without an IEND chunk");
            }

            int left = png.Length - position;
            if (left < 8)
            {
                throw new DataFormatException(path, $"truncated: {left} bytes at offset {position}, too few for a chunk header");
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position));
            ReadOnlySpan<byte> type = png.AsSpan(position + 4, 4);
            string name = PngFormat.TypeName(type);
            if (length + 12L > left)
            {
                throw new DataFormatException(path, $"truncated: chunk {name} at offset {position} declares {length} bytes of data, but only {left - 8} bytes (including its 4-byte CRC) remain");
            }

            ReadOnlySpan<byte> data = png.AsSpan(position + 8, (int)length);
            CheckCrc(path, png.AsSpan(position + 4, 4 + (int)length), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(position + 8 + (int)length)), name, position);

            if (header is null && !type.SequenceEqual("IHDR"u8))
            {
                throw new DataFormatException(path, $"the first chunk is {name}; a PNG starts with IHDR");
            }

            if (type.SequenceEqual("IHDR"u8))
            {
                if (header is not null)
                {
                    throw new DataFormatException(path, $"a second IHDR chunk at offset {position}");
                }

                header = ParseHeader(path, data);
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                imageData.Write(data);
                sawData = true;
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                sawEnd = true;
            }
            else if (IsCritical(type) && !type.SequenceEqual("PLTE"u8))
            {
                // A suggested palette (PLTE) in a truecolour image may be ignored; any other
                // critical chunk changes how the image must be read, so guessing would be wrong.
                throw new DataFormatException(path, $"unsupported critical chunk {name} at offset {position}");
            }

            position += 12 + (int)length;
        }

        if (!sawData)
        {
            throw new DataFormatException(path, "no IDAT chunk: the file holds no image data");
        }

        byte[] raw = Inflate(path, imageData, header!);
        return Reconstruct(path, raw, header!);
    }

    private static void CheckCrc(string path, ReadOnlySpan<byte> typeAndData, uint stored, string name, int position)
    {
        uint actual = Crc32.Compute(typeAndData);
        if (actual != stored)
        {
            throw new DataFormatException(path, $"chunk {name} at offset {position} is corrupt: stored CRC 0x{stored:X8}, contents give 0x{actual:X8}");
        }
    }

    // Bit 5 of a chunk type's first byte (lower case) marks an ancillary chunk, one a decoder may skip.
    private static bool IsCritical(ReadOnlySpan<byte> type) => (type[0] & 0x20) == 0;

    private static Header ParseHeader(string path, ReadOnlySpan<byte> data)
    {
        if (data.Length != 13)
        {
            throw new DataFormatException(path, $"the IHDR chunk has {data.Length} bytes of data, not 13");
        }

        uint width = BinaryPrimitives.ReadUInt32BigEndian(data);
        uint height = BinaryPrimitives.ReadUInt32BigEndian(data[4..]);
        if (width is 0 or > int.MaxValue || height is 0 or > int.MaxValue)
        {
            throw new DataFormatException(path, $"image size {width}×{height} is invalid: each side must be 1 to 2^31−1");
        }

        byte bitDepth = data[8];
        byte colorType = data[9];
        int samples = colorType switch
        {
            PngFormat.ColorTypeGrey => 1,
            PngFormat.ColorTypeRgb => 3,
            PngFormat.ColorTypeGreyAlpha => 2,
            PngFormat.ColorTypeRgba => 4,
            PngFormat.ColorTypePalette => throw new DataFormatException(path, "palette (indexed-colour) PNGs are not supported; save it as grey or RGB"),
            _ => throw new DataFormatException(path, $"colour type {colorType} is not one PNG defines"),
        };

        if (bitDepth != 8)
        {
            throw new DataFormatException(path, $"bit depth {bitDepth} is not supported; only 8 bits per sample are read");
        }

        if (data[10] != 0 || data[11] != 0)
        {
            throw new DataFormatException(path, $"compression method {data[10]} / filter method {data[11]} are not ones PNG defines (both must be 0)");
        }

        if (data[12] != 0)
        {
            throw new DataFormatException(path, data[12] == 1
                ? "interlaced (Adam7) PNGs are not supported; save it non-interlaced"
                : $"interlace method {data[12]} is not one PNG defines");
        }

        long rowBytes = (long)width * samples;
        if (height * (rowBytes + 1) > Array.MaxLength)
        {
            throw new DataFormatException(path, $"a {width}×{height} image is larger than this reader supports");
        }

        return new Header((int)width, (int)height, samples, (int)rowBytes);
    }

    private static byte[] Inflate(string path, MemoryStream imageData, Header header)
    {
        int expected = header.Height * (header.RowBytes + 1);
        byte[] raw = new byte[expected];
        imageData.Position = 0;
        try
        {
            using var zlib = new ZLibStream(imageData, CompressionMode.Decompress, leaveOpen: true);
            int read = zlib.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false);
            if (read < expected)
            {
                throw new DataFormatException(path, $"image data decompresses to {read} bytes; a {header.Describe()} image needs {expected}");
            }

            if (zlib.ReadByte() >= 0)
            {
                throw new DataFormatException(path, $"image data decompresses to more than the {expected} bytes a {header.Describe()} image needs");
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"the compressed image data is corrupt ({e.Message})");
        }

        return raw;
    }

    private static PngImage Reconstruct(string path, byte[] raw, Header header)
    {
        int rowBytes = header.RowBytes;
        int samples = header.Samples;
        // Grey+alpha keeps 1 of its 2 samples, RGBA 3 of its 4.
        int channels = samples >= 3 ? 3 : 1;
        byte[] pixels = new byte[header.Width * header.Height * channels];
        for (int y = 0; y < header.Height; y++)
        {
            int start = y * (rowBytes + 1);
            byte filter = raw[start];
            Span<byte> row = raw.AsSpan(start + 1, rowBytes);
            ReadOnlySpan<byte> previous = y == 0 ? [] : raw.AsSpan(start - rowBytes, rowBytes);
            if (!PngFilters.Unfilter(filter, row, previous, samples))
            {
                throw new DataFormatException(path, $"row {y} has filter type {filter}; PNG defines 0 to 4");
            }

            Span<byte> target = pixels.AsSpan(y * header.Width * channels, header.Width * channels);
            if (channels == samples)
            {
                row.CopyTo(target);
            }
            else
            {
                for (int x = 0; x < header.Width; x++)
                {
                    row.Slice(x * samples, channels).CopyTo(target.Slice(x * channels, channels));
                }
            }
        }

        return new PngImage(header.Width, header.Height, channels == 3 ? PngColor.Rgb : PngColor.Grey, pixels);
    }

    private sealed record Header(int Width, int Height, int Samples, int RowBytes)
    {
        public string Describe() => $"{Width}×{Height} {Samples}-sample";
    }
}
