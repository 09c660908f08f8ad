using System.Buffers.Binary;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Models.Data;

/// <summary>
/// Writes idx files (ubyte, big-endian int32 or big-endian float32). Each file is written under a temporary
/// name and renamed, so a reader never sees half a file.
/// </summary>
public static class IdxWriter
{
    /// <summary>Writes ubyte elements with the given dimensions (e.g. labels <c>[N]</c>, images <c>[N,H,W]</c>).</summary>
    public static void Write(string path, ReadOnlySpan<byte> data, params int[] dimensions)
    {
        CheckLength(data.Length, dimensions);
        using var file = AtomicFile.Create(path);
        WriteHeader(file.Stream, IdxElementType.UnsignedByte, dimensions);
        file.Stream.Write(data);
        file.Commit();
    }

    /// <summary>Writes int32 elements, big-endian as the idx format requires (e.g. labels <c>[N]</c> of more than 256 classes).</summary>
    public static void WriteInt32(string path, ReadOnlySpan<int> data, params int[] dimensions)
    {
        CheckLength(data.Length, dimensions);
        using var file = AtomicFile.Create(path);
        WriteHeader(file.Stream, IdxElementType.Int32, dimensions);
        Span<byte> word = stackalloc byte[sizeof(int)];
        foreach (int value in data)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, value);
            file.Stream.Write(word);
        }

        file.Commit();
    }

    /// <summary>Writes float32 elements, big-endian as the idx format requires, with the given dimensions.</summary>
    public static void Write(string path, ReadOnlySpan<float> data, params int[] dimensions)
    {
        CheckLength(data.Length, dimensions);
        using var file = AtomicFile.Create(path);
        WriteHeader(file.Stream, IdxElementType.Float32, dimensions);
        Span<byte> chunk = stackalloc byte[4096];
        int perChunk = chunk.Length / sizeof(float);
        for (int start = 0; start < data.Length; start += perChunk)
        {
            int n = Math.Min(perChunk, data.Length - start);
            for (int i = 0; i < n; i++)
            {
                BinaryPrimitives.WriteSingleBigEndian(chunk[(i * sizeof(float))..], data[start + i]);
            }

            file.Stream.Write(chunk[..(n * sizeof(float))]);
        }

        file.Commit();
    }

    /// <summary>Writes a tensor as float32 with the tensor's shape as the idx dimensions.</summary>
    public static void Write(string path, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Write(path, tensor.Span, tensor.Shape);
    }

    private static void CheckLength(int length, int[] dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Length is 0 or > 255)
        {
            throw new ArgumentException($"an idx file has 1 to 255 dimensions, not {dimensions.Length}", nameof(dimensions));
        }

        long elements = 1;
        foreach (int d in dimensions)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(d, nameof(dimensions));
            elements *= d;
        }

        if (elements != length)
        {
            throw new ArgumentException($"dimensions {IdxFormat.Dims(dimensions)} hold {elements} elements but {length} were given", nameof(dimensions));
        }
    }

    private static void WriteHeader(Stream stream, IdxElementType type, int[] dimensions)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, IdxFormat.Magic(type, dimensions.Length));
        stream.Write(word);
        foreach (int d in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            stream.Write(word);
        }
    }
}
