using System.Buffers.Binary;
using FoolingCluster.Tests.Shared;

namespace FoolingCluster.Models.Onnx.Tests.Support;

/// <summary>
/// The network tools/pytorch/train_lenet.py trained in PyTorch and exported with
/// <c>torch.onnx.export</c> (tests/ModelsOnnx/Data/pytorch-lenet.onnx), and what PyTorch itself
/// computed on fixed probe images (pytorch-lenet-probes.bin next to it).
/// </summary>
/// <remarks>
/// The probe file is little-endian: int32 N, int32 P (pixels per image), int32 K (classes);
/// float32 images <c>[N,1,28,28]</c> in [0,1]; int32 labels <c>[N]</c> (−1 for a noise image);
/// float32 logits <c>[N,K]</c> from the trained network in eval mode.
/// </remarks>
internal sealed class PyTorchProbes
{
    /// <summary>The exported model, relative to the repository root.</summary>
    public const string ModelPath = "tests/ModelsOnnx/Data/pytorch-lenet.onnx";

    /// <summary>PyTorch's probe logits, relative to the repository root.</summary>
    public const string ProbesPath = "tests/ModelsOnnx/Data/pytorch-lenet-probes.bin";

    private PyTorchProbes(byte[] model, int count, int pixels, int classes, float[] images, int[] labels, float[] logits)
    {
        Model = model;
        Count = count;
        Pixels = pixels;
        Classes = classes;
        Images = images;
        Labels = labels;
        Logits = logits;
    }

    /// <summary>The bytes of the .onnx file.</summary>
    public byte[] Model { get; }

    /// <summary>Probe images N.</summary>
    public int Count { get; }

    /// <summary>Pixels per image (784).</summary>
    public int Pixels { get; }

    /// <summary>Classes K.</summary>
    public int Classes { get; }

    /// <summary><c>[N,1,28,28]</c> in [0,1]: the first MNIST test images, then seeded uniform noise.</summary>
    public float[] Images { get; }

    /// <summary>N MNIST labels, −1 for the noise images.</summary>
    public int[] Labels { get; }

    /// <summary><c>[N,K]</c>: PyTorch's logits for <see cref="Images"/>.</summary>
    public float[] Logits { get; }

    /// <summary>Reads both committed files.</summary>
    public static PyTorchProbes Load()
    {
        string root = RepositoryRoot.Find();
        byte[] model = File.ReadAllBytes(Path.Combine(root, ModelPath));
        byte[] bytes = File.ReadAllBytes(Path.Combine(root, ProbesPath));
        ReadOnlySpan<byte> span = bytes;
        int n = BinaryPrimitives.ReadInt32LittleEndian(span);
        int p = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        int k = BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        int expected = 12 + (4 * ((n * p) + n + (n * k)));
        if (bytes.Length != expected)
        {
            throw new InvalidDataException($"{ProbesPath}: {bytes.Length} bytes; N={n}, P={p}, K={k} need {expected}");
        }

        int offset = 12;
        float[] images = Floats(span, ref offset, n * p);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++, offset += 4)
        {
            labels[i] = BinaryPrimitives.ReadInt32LittleEndian(span[offset..]);
        }

        float[] logits = Floats(span, ref offset, n * k);
        return new PyTorchProbes(model, n, p, k, images, labels, logits);
    }

    private static float[] Floats(ReadOnlySpan<byte> span, ref int offset, int count)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++, offset += 4)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(span[offset..]);
        }

        return values;
    }
}
