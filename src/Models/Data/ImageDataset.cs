using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Data;

/// <summary>
/// Labelled images held in memory: pixels as one <c>float[]</c> laid out <c>[N,C,H,W]</c>
/// and one label byte per image.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Wraps existing arrays without copying.</summary>
    /// <param name="images">Pixels, <c>[N,C,H,W]</c> row-major; exactly N×C×H×W values.</param>
    /// <param name="labels">Class of each image; N values.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    public ImageDataset(float[] images, byte[] labels, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        long expected = (long)labels.Length * channels * height * width;
        if (images.Length != expected)
        {
            throw new ShapeMismatchException($"ImageDataset: {labels.Length} labels of [{channels},{height},{width}] images need {expected} pixel values, got {images.Length}");
        }

        Images = images;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Pixels, <c>[N,C,H,W]</c> row-major.</summary>
    public float[] Images { get; }

    /// <summary>One class label per image.</summary>
    public byte[] Labels { get; }

    /// <summary>Number of images N.</summary>
    public int Count => Labels.Length;

    /// <summary>Channels per image C.</summary>
    public int Channels { get; }

    /// <summary>Image height H.</summary>
    public int Height { get; }

    /// <summary>Image width W.</summary>
    public int Width { get; }

    /// <summary>Values per image: C×H×W.</summary>
    public int ImageSize => Channels * Height * Width;

    /// <summary>Shape of one image: <c>[C,H,W]</c>.</summary>
    public int[] ImageShape => [Channels, Height, Width];

    /// <summary>The pixels of image <paramref name="index"/>, <c>[C,H,W]</c>.</summary>
    public ReadOnlySpan<float> Image(int index) => Images.AsSpan(index * ImageSize, ImageSize);

    /// <summary>
    /// The whole dataset as a tensor <c>[N,C,H,W]</c> over the same array (no copy, no scope):
    /// writes through it change the dataset.
    /// </summary>
    public Tensor AsTensor() => Tensor.Wrap(Images, Count, Channels, Height, Width);

    /// <summary>A copy of the first <paramref name="count"/> images and labels (all of them if fewer).</summary>
    public ImageDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        int n = Math.Min(count, Count);
        return new ImageDataset(Images.AsSpan(0, n * ImageSize).ToArray(), Labels.AsSpan(0, n).ToArray(), Channels, Height, Width);
    }

    /// <summary>How many images carry each label <c>0..classes-1</c>.</summary>
    /// <exception cref="DataFormatException">A label is not below <paramref name="classes"/>; reported against <paramref name="source"/>.</exception>
    public int[] ClassCounts(int classes, string source = "dataset")
    {
        int[] counts = new int[classes];
        for (int i = 0; i < Labels.Length; i++)
        {
            int label = Labels[i];
            if (label >= classes)
            {
                throw new DataFormatException(source, $"label {label} of item {i} is outside 0..{classes - 1}");
            }

            counts[label]++;
        }

        return counts;
    }
}
