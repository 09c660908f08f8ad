using System.Buffers.Binary;

namespace FoolingCluster.Models.Imaging;

/// <summary>Constants and chunk framing shared by <see cref="PngWriter"/> and <see cref="PngReader"/>.</summary>
internal static class PngFormat
{
    /// <summary>The eight bytes every PNG starts with.</summary>
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>IHDR colour type for grey.</summary>
    public const byte ColorTypeGrey = 0;

    /// <summary>IHDR colour type for RGB.</summary>
    public const byte ColorTypeRgb = 2;

    /// <summary>IHDR colour type for palette-indexed colour.</summary>
    public const byte ColorTypePalette = 3;

    /// <summary>IHDR colour type for grey with alpha.</summary>
    public const byte ColorTypeGreyAlpha = 4;

    /// <summary>IHDR colour type for RGB with alpha.</summary>
    public const byte ColorTypeRgba = 6;

    /// <summary>Bytes per pixel of an 8-bit image in the given layout.</summary>
    public static int Channels(PngColor color) => color == PngColor.Rgb ? 3 : 1;

    /// <summary>Appends a chunk: big-endian length, type, data, and the CRC of type and data.</summary>
    public static void WriteChunk(Stream stream, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);

        Span<byte> typeBytes = stackalloc byte[4];
        for (int i = 0; i < 4; i++)
        {
            typeBytes[i] = (byte)type[i];
        }

        stream.Write(typeBytes);
        stream.Write(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Finish(Crc32.Update(Crc32.Update(Crc32.Start, typeBytes), data)));
        stream.Write(word);
    }

    /// <summary>A chunk type for messages: its four letters, or hex when they are not letters (a garbled file).</summary>
    public static string TypeName(ReadOnlySpan<byte> type)
    {
        foreach (byte b in type)
        {
            if (!char.IsAsciiLetter((char)b))
            {
                return $"0x{BinaryPrimitives.ReadUInt32BigEndian(type):X8}";
            }
        }

        return $"'{(char)type[0]}{(char)type[1]}{(char)type[2]}{(char)type[3]}'";
    }
}
