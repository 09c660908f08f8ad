using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Data;

/// <summary>
/// One mini-batch from a <see cref="DataLoader"/>. Its arrays belong to the loader and are
/// refilled for the next batch: use them before advancing, and <see cref="Tensor.Clone"/>
/// (or copy) anything that must outlive the step.
/// </summary>
public readonly struct Batch
{
    internal Batch(Tensor images, int[] labels, ArraySegment<int> indices)
    {
        Images = images;
        Labels = labels;
        Indices = indices;
    }

    /// <summary>Images <c>[B,C,H,W]</c>.</summary>
    public Tensor Images { get; }

    /// <summary>Label of each image; B values.</summary>
    public int[] Labels { get; }

    /// <summary>Position in the dataset of each image; B values.</summary>
    public ArraySegment<int> Indices { get; }

    /// <summary>Number of images B: the batch size, or fewer for a final partial batch.</summary>
    public int Count => Labels.Length;
}
