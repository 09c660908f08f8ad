using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>Claimed pieces of a batch (<see cref="ConvBatch.RunClaimed"/>) cover every image exactly once.</summary>
public class ConvBatchTests
{
    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(2, 2, 2)]
    [InlineData(3, 1, 3)]
    [InlineData(16, 2, 2)]
    [InlineData(17, 5, 2)]
    [InlineData(256, 36, 2)]
    [InlineData(100, 1, 4)]
    public void Every_image_is_in_exactly_one_piece(int batch, int piece, int threads)
    {
        int[] seen = new int[batch];
        int calls = 0;
        ConvBatch.RunClaimed(batch, piece, threads, (worker, start, end, gemmThreads) =>
        {
            Assert.InRange(worker, 0, threads - 1);
            Assert.True(start < end && end - start <= piece, $"piece [{start},{end}) of at most {piece}");
            Assert.InRange(gemmThreads, 1, threads);
            Interlocked.Increment(ref calls);
            for (int n = start; n < end; n++)
            {
                Interlocked.Increment(ref seen[n]);
            }
        });

        Assert.All(seen, count => Assert.Equal(1, count));
        Assert.True(calls >= Math.Min(batch, threads), $"{calls} pieces for {threads} threads");
    }
}
