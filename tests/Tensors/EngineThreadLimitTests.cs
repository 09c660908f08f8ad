using Xunit;

namespace FoolingCluster.Tensors.Tests;

/// <summary>
/// A thread's own kernel-thread limit (<see cref="Engine.OnThisThread"/>) holds on that thread
/// only, nests, and is gone once disposed; the process-wide limit never changes meanwhile.
/// </summary>
public sealed class EngineThreadLimitTests
{
    [Fact]
    public void A_threads_own_limit_leaves_other_threads_and_the_process_limit_alone()
    {
        int process = Engine.Threads;
        using var limited = new ManualResetEventSlim();
        using var checkedElsewhere = new ManualResetEventSlim();
        int seenElsewhere = 0;
        var other = new Thread(() =>
        {
            limited.Wait();
            seenElsewhere = Engine.Threads;
            checkedElsewhere.Set();
        });
        other.Start();

        using (Engine.OnThisThread(1))
        {
            Assert.Equal(1, Engine.Threads);
            using (Engine.OnThisThread(3))
            {
                Assert.Equal(3, Engine.Threads);
            }

            Assert.Equal(1, Engine.Threads);
            limited.Set();
            Assert.True(checkedElsewhere.Wait(TimeSpan.FromSeconds(10)));
        }

        other.Join();
        Assert.Equal(process, seenElsewhere);
        Assert.Equal(process, Engine.Threads);
        Assert.Throws<ArgumentOutOfRangeException>(() => Engine.OnThisThread(0));
    }
}
