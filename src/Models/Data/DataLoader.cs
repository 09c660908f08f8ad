using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Data;

/// <summary>
/// Cuts an <see cref="ImageDataset"/> into mini-batches, shuffled per epoch with a
/// seeded Fisher–Yates permutation so a run can be repeated exactly.
/// </summary>
/// <remarks>
/// The order of epoch e depends only on the seed and e, so training resumed at epoch e sees
/// the same batches as an uninterrupted run. Batches are filled into two buffers owned by the
/// loader (one for full batches, one for a final partial batch), so iterating allocates
/// nothing per batch and needs no <see cref="TensorScope"/>; the price is that a batch is
/// valid only until the next one is produced. One epoch may be iterated at a time.
/// </remarks>
public sealed class DataLoader
{
    private readonly ImageDataset _dataset;
    private readonly int[] _order;
    private readonly Tensor _fullImages;
    private readonly int[] _fullLabels;
    private Tensor? _partialImages;
    private int[]? _partialLabels;
    private int _generation;

    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The images and labels to serve.</param>
    /// <param name="batchSize">Images per batch B.</param>
    /// <param name="shuffle">Whether each epoch visits the images in a fresh random order; otherwise in dataset order.</param>
    /// <param name="seed">Seed of the per-epoch permutations.</param>
    /// <param name="dropLast">Whether to drop a final batch smaller than <paramref name="batchSize"/> instead of serving it.</param>
    public DataLoader(ImageDataset dataset, int batchSize, bool shuffle = true, int seed = 0, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        _order = new int[dataset.Count];

        int fullSize = Math.Min(batchSize, Math.Max(dataset.Count, 1));
        _fullImages = Tensor.Wrap(new float[fullSize * dataset.ImageSize], fullSize, dataset.Channels, dataset.Height, dataset.Width);
        _fullLabels = new int[fullSize];
    }

    /// <summary>Images per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether epochs are shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Seed of the per-epoch permutations.</summary>
    public int Seed { get; }

    /// <summary>Whether a final partial batch is dropped.</summary>
    public bool DropLast { get; }

    /// <summary>Number of images in the dataset.</summary>
    public int Count => _dataset.Count;

    /// <summary>Batches each epoch yields.</summary>
    public int BatchesPerEpoch => DropLast ? Count / BatchSize : (Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>, in its order. Starting it rewrites the
    /// loader's order, so an earlier epoch's enumeration must not be resumed afterwards.
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        if (Shuffle)
        {
            FisherYates(_order, new Random(EpochSeed(Seed, epoch)));
        }

        return Batches(++_generation);
    }

    private IEnumerable<Batch> Batches(int generation)
    {
        int batches = BatchesPerEpoch;
        for (int b = 0; b < batches; b++)
        {
            if (generation != _generation)
            {
                throw new InvalidOperationException("another epoch was started on this loader; an epoch's batches must be used before the next epoch begins");
            }

            int start = b * BatchSize;
            int count = Math.Min(BatchSize, Count - start);
            (Tensor images, int[] labels) = Buffers(count);
            Fill(images, labels, start);
            yield return new Batch(images, labels, new ArraySegment<int>(_order, start, count));
        }
    }

    private (Tensor Images, int[] Labels) Buffers(int count)
    {
        if (count == _fullLabels.Length)
        {
            return (_fullImages, _fullLabels);
        }

        if (_partialLabels is null || _partialLabels.Length != count)
        {
            _partialImages = Tensor.Wrap(new float[count * _dataset.ImageSize], count, _dataset.Channels, _dataset.Height, _dataset.Width);
            _partialLabels = new int[count];
        }

        return (_partialImages!, _partialLabels);
    }

    private void Fill(Tensor images, int[] labels, int start)
    {
        // A caller may have asked for input gradients on the previous batch; the buffer is a fresh input now.
        images.Grad = null;
        images.RequiresGrad = false;

        int size = _dataset.ImageSize;
        Span<float> destination = images.Span;
        for (int i = 0; i < labels.Length; i++)
        {
            int index = _order[start + i];
            _dataset.Images.AsSpan(index * size, size).CopyTo(destination.Slice(i * size, size));
            labels[i] = _dataset.Labels[index];
        }
    }

    private static void FisherYates(int[] order, Random random)
    {
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }

    /// <summary>
    /// Mixes seed and epoch into one well-spread seed (SplitMix64's finaliser), so nearby
    /// seeds and epochs give unrelated permutations.
    /// </summary>
    private static int EpochSeed(int seed, int epoch)
    {
        ulong z = ((ulong)(uint)seed << 32) | (uint)epoch;
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
