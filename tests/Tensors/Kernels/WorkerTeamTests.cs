using FoolingCluster.Tensors.Kernels;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// The engine's own worker threads: every item runs exactly once, on more than one thread when
/// there is room; a failing item's exception reaches the caller as it was thrown; calls made from
/// inside an item, and from several threads at once, finish.
/// </summary>
public class WorkerTeamTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(7, 2)]
    [InlineData(64, 4)]
    [InlineData(5, 1)]
    public void Every_item_runs_exactly_once(int count, int threads)
    {
        int[] runs = new int[count];
        for (int call = 0; call < 200; call++)
        {
            WorkerTeam.For(count, threads, i => Interlocked.Increment(ref runs[i]));
        }

        Assert.All(runs, r => Assert.Equal(200, r));
    }

    [Fact]
    public void Work_that_lasts_is_shared_with_a_helper_thread()
    {
        // Two items of 50 ms: a helper that is waiting takes the second long before the caller
        // could finish the first. Retried, since another test's call may hold the helpers.
        for (int attempt = 0; attempt < 20; attempt++)
        {
            var threads = new int[2];
            WorkerTeam.For(2, 2, i =>
            {
                threads[i] = Environment.CurrentManagedThreadId;
                Thread.Sleep(50);
            });
            if (threads[0] != threads[1])
            {
                return;
            }
        }

        Assert.Fail("both items ran on one thread in every one of 20 calls");
    }

    [Fact]
    public void The_first_failure_is_rethrown_as_it_was_and_the_team_works_on()
    {
        int ended = 0;
        var thrown = Assert.Throws<InvalidOperationException>(() => WorkerTeam.For(8, 2, i =>
        {
            if (i == 3)
            {
                throw new InvalidOperationException("item 3 failed");
            }

            Interlocked.Increment(ref ended);
        }));

        Assert.Equal("item 3 failed", thrown.Message);
        Assert.True(Volatile.Read(ref ended) <= 7, "an item ran twice");

        // The team still works afterwards.
        int sum = 0;
        WorkerTeam.For(10, 2, i => Interlocked.Add(ref sum, i));
        Assert.Equal(45, sum);
    }

    [Fact]
    public void Calls_from_inside_items_and_from_several_threads_at_once_finish()
    {
        long total = 0;
        Parallel.For(0, 4, _ =>
        {
            for (int call = 0; call < 50; call++)
            {
                WorkerTeam.For(3, 2, _ => WorkerTeam.For(4, 2, j => Interlocked.Add(ref total, j)));
            }
        });

        Assert.Equal(4L * 50 * 3 * 6, total);
    }
}
