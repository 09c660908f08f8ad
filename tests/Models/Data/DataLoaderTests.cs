using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Models.Tests.Data;

public class DataLoaderTests
{
    [Theory]
    [InlineData(10, 3, false)]
    [InlineData(10, 5, false)]
    [InlineData(10, 32, false)]
    [InlineData(10, 1, true)]
    [InlineData(10, 3, true)]
    public void Every_index_is_served_exactly_once_per_epoch(int count, int batchSize, bool shuffle)
    {
        ImageDataset data = Numbered(count);
        var loader = new DataLoader(data, batchSize, shuffle, seed: 3);

        for (int epoch = 0; epoch < 3; epoch++)
        {
            List<int> seen = [];
            foreach (Batch batch in loader.Epoch(epoch))
            {
                Assert.Equal([batch.Count, 1, 2, 2], batch.Images.Shape);
                for (int i = 0; i < batch.Count; i++)
                {
                    int index = batch.Indices[i];
                    Assert.Equal(index % 10, batch.Labels[i]);
                    Assert.Equal(data.Image(index).ToArray(), batch.Images.Span.Slice(i * 4, 4).ToArray());
                }

                seen.AddRange(batch.Indices);
            }

            Assert.Equal(Enumerable.Range(0, count), seen.Order());
            if (!shuffle)
            {
                Assert.Equal(Enumerable.Range(0, count), seen);
            }
        }
    }

    [Fact]
    public void Same_seed_gives_the_same_order_and_different_seeds_differ()
    {
        ImageDataset data = Numbered(100);

        int[] a = Order(new DataLoader(data, 8, seed: 42), 0);
        int[] b = Order(new DataLoader(data, 8, seed: 42), 0);
        int[] c = Order(new DataLoader(data, 8, seed: 43), 0);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.NotEqual(Enumerable.Range(0, 100), a);
    }

    [Fact]
    public void Each_epoch_has_its_own_order_which_depends_only_on_seed_and_epoch()
    {
        ImageDataset data = Numbered(100);
        var loader = new DataLoader(data, 8, seed: 7);

        int[] epoch0 = Order(loader, 0);
        int[] epoch1 = Order(loader, 1);

        Assert.NotEqual(epoch0, epoch1);
        Assert.Equal(epoch1, Order(new DataLoader(data, 8, seed: 7), 1));
        Assert.Equal(epoch0, Order(loader, 0));
    }

    [Fact]
    public void Last_partial_batch_is_kept_by_default()
    {
        var loader = new DataLoader(Numbered(10), 4, seed: 1);

        Assert.Equal(3, loader.BatchesPerEpoch);
        Assert.Equal([4, 4, 2], loader.Epoch(0).Select(b => b.Count));
        Assert.Equal([2, 1, 2, 2], loader.Epoch(1).Last().Images.Shape);
    }

    [Fact]
    public void Last_partial_batch_is_dropped_on_request()
    {
        var loader = new DataLoader(Numbered(10), 4, seed: 1, dropLast: true);

        Assert.Equal(2, loader.BatchesPerEpoch);
        Assert.Equal([4, 4], loader.Epoch(0).Select(b => b.Count));
        Assert.Empty(new DataLoader(Numbered(3), 4, dropLast: true).Epoch(0));
    }

    [Fact]
    public void Batch_smaller_than_batch_size_when_the_dataset_is_small()
    {
        var loader = new DataLoader(Numbered(3), 8);

        Batch only = Assert.Single(loader.Epoch(0));
        Assert.Equal(3, only.Count);
        Assert.Empty(new DataLoader(Numbered(0), 8).Epoch(0));
    }

    [Fact]
    public void Batches_reuse_their_buffers_and_are_not_scoped()
    {
        var loader = new DataLoader(Numbered(12), 4);
        Tensor? first = null;
        using (var scope = TensorScope.Begin())
        {
            foreach (Batch batch in loader.Epoch(0))
            {
                first ??= batch.Images;
                Assert.Same(first, batch.Images);
            }

            Assert.Equal(0, scope.Count);
        }

        Assert.False(first!.IsDisposed);
    }

    [Fact]
    public void Starting_another_epoch_invalidates_the_previous_one()
    {
        var loader = new DataLoader(Numbered(12), 4);
        using IEnumerator<Batch> old = loader.Epoch(0).GetEnumerator();
        Assert.True(old.MoveNext());

        _ = loader.Epoch(1);

        Assert.Throws<InvalidOperationException>(() => old.MoveNext());
    }

    private static int[] Order(DataLoader loader, int epoch) =>
        [.. loader.Epoch(epoch).SelectMany(b => b.Indices.ToArray())];

    /// <summary>Images 1×2×2 whose pixels encode their index, labelled index mod 10.</summary>
    private static ImageDataset Numbered(int count)
    {
        float[] pixels = new float[count * 4];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            pixels.AsSpan(i * 4, 4).Fill(i);
            pixels[(i * 4) + 3] = -i;
            labels[i] = (byte)(i % 10);
        }

        return new ImageDataset(pixels, labels, 1, 2, 2);
    }
}
