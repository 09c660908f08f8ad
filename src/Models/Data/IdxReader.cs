using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace FoolingCluster.Models.Data;

/// <summary>
/// Reads idx files: MNIST's ubyte images and labels, and float32 arrays written by
/// <see cref="IdxWriter"/>. Every problem is reported as a <see cref="DataFormatException"/>
/// naming the file, so a corrupt download is diagnosed rather than trained on.
/// </summary>
public static class IdxReader
{
    /// <summary>Reads a rank-1 ubyte file (magic <c>0x00000801</c>): one label per item.</summary>
    /// <exception cref="MissingDataException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not an idx1 ubyte file or is truncated.</exception>
    public static byte[] ReadLabels(string path) =>
        Read(path, IdxFormat.LabelsMagic, "an idx1 ubyte label file").Bytes!;

    /// <summary>Reads a rank-3 ubyte file (magic <c>0x00000803</c>): images <c>[N,H,W]</c>.</summary>
    /// <exception cref="MissingDataException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The file is not an idx3 ubyte file or is truncated.</exception>
    public static IdxArray ReadImages(string path) =>
        Read(path, IdxFormat.ImagesMagic, "an idx3 ubyte image file");

    /// <summary>Reads an idx file of any rank whose element type is ubyte or float32.</summary>
    /// <exception cref="MissingDataException">The file does not exist.</exception>
    /// <exception cref="DataFormatException">The magic number is not a supported idx type, or the file is truncated.</exception>
    public static IdxArray Read(string path) => Read(path, expectedMagic: null, expectedDescription: null);

    private static IdxArray Read(string path, int? expectedMagic, string? expectedDescription)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new MissingDataException(path, $"idx file {path} does not exist");
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        long fileLength = stream.Length;
        Span<byte> word = stackalloc byte[4];
        if (!TryRead(stream, word))
        {
            throw new DataFormatException(path, $"truncated: the file is {fileLength} bytes, too short for an idx magic number");
        }

        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        IdxElementType type = CheckMagic(path, magic, expectedMagic, expectedDescription);
        int rank = magic & 0xFF;

        int[] dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++)
        {
            if (!TryRead(stream, word))
            {
                throw new DataFormatException(path, $"truncated: the file is {fileLength} bytes, too short for the {rank} dimensions its magic number {IdxFormat.Hex(magic)} announces");
            }

            uint d = BinaryPrimitives.ReadUInt32BigEndian(word);
            if (d > int.MaxValue)
            {
                throw new DataFormatException(path, $"dimension {i} is {d}, larger than this reader supports");
            }

            dims[i] = (int)d;
            elements *= d;
            if (elements > Array.MaxLength)
            {
                throw new DataFormatException(path, $"dimensions {IdxFormat.Dims(dims.AsSpan(0, i + 1))} hold more elements than an array can");
            }
        }

        long expectedBytes = elements * IdxFormat.ElementSize(type);
        long actualBytes = fileLength - stream.Position;
        if (actualBytes != expectedBytes)
        {
            string what = type == IdxElementType.Float32 ? $"{IdxFormat.Dims(dims)} float32 values = {expectedBytes} bytes" : $"{IdxFormat.Dims(dims)} = {expectedBytes} bytes";
            string problem = actualBytes < expectedBytes
                ? $"truncated: header says {what} of data, file has {actualBytes}"
                : $"header says {what} of data, file has {actualBytes} (unexpected bytes after the data)";
            throw new DataFormatException(path, problem);
        }

        if (type == IdxElementType.UnsignedByte)
        {
            byte[] bytes = new byte[elements];
            stream.ReadExactly(bytes);
            return new IdxArray(dims, bytes, null);
        }

        float[] floats = new float[elements];
        stream.ReadExactly(MemoryMarshal.AsBytes(floats.AsSpan()));
        if (BitConverter.IsLittleEndian)
        {
            Span<int> raw = MemoryMarshal.Cast<float, int>(floats.AsSpan());
            BinaryPrimitives.ReverseEndianness(raw, raw);
        }

        return new IdxArray(dims, null, floats);
    }

    private static IdxElementType CheckMagic(string path, int magic, int? expectedMagic, string? expectedDescription)
    {
        if (expectedMagic is int expected)
        {
            if (magic != expected)
            {
                throw new DataFormatException(path, $"bad magic number {IdxFormat.Hex(magic)} (expected {IdxFormat.Hex(expected)} for {expectedDescription})");
            }

            return (IdxElementType)((magic >> 8) & 0xFF);
        }

        if ((magic & unchecked((int)0xFFFF0000)) != 0)
        {
            throw new DataFormatException(path, $"bad magic number {IdxFormat.Hex(magic)} (an idx file starts with two zero bytes); this is not an idx file");
        }

        int typeByte = (magic >> 8) & 0xFF;
        if (typeByte != (int)IdxElementType.UnsignedByte && typeByte != (int)IdxElementType.Float32)
        {
            throw new DataFormatException(path, $"magic number {IdxFormat.Hex(magic)} has element type 0x{typeByte:X2}; only ubyte (0x08) and float32 (0x0D) are supported");
        }

        if ((magic & 0xFF) == 0)
        {
            throw new DataFormatException(path, $"magic number {IdxFormat.Hex(magic)} declares rank 0; an idx file needs at least one dimension");
        }

        return (IdxElementType)typeByte;
    }

    private static bool TryRead(Stream stream, Span<byte> buffer) =>
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
}
