using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Hosting.Views;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>
/// Two coordinator-role nodes in this process, joined over remoting on 127.0.0.1: the second
/// (a standby) reads the run the first serves through the board singleton's proxy, and its
/// buttons and exports act on that run; once the first is gone it shows the run as last seen,
/// and says so.
/// </summary>
public sealed class StandbyDashboardViewTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_standby_shows_the_active_run_and_its_buttons_act_on_it()
    {
        using var stop = new CancellationTokenSource(Wait);
        var listen = new NodeAddress("127.0.0.1", FreePorts.Loopback());
        await using CoordinatorNode active = await CoordinatorNode.StartAsync(new NodeSettings(listen, []), Wait, null, stop.Token);
        await using CoordinatorNode standby = await CoordinatorNode.StartAsync(new NodeSettings(NodeAddress.LoopbackAnyPort, [active.Address]), Wait, null, stop.Token);
        var run = new RunViewCopyTests.FixedRunView(RunViewCopyTests.SnapshotOf(generation: 2, cells: 1000))
        {
            Workers = [new("w1", "host-a", 2, "working", new DateTime(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc), 1234, 56.5, 7, 1)],
        };
        var lines = new List<string>();
        await using ProxiedRunView followed = standby.FollowActive(("weights", "sidecar", "hash"), RunViewCopyTests.SnapshotOf(generation: -1, cells: 1000), line => { lock (lines) { lines.Add(line); } });

        // Before the active coordinator serves its run the standby shows its placeholder.
        await Task.Delay(TimeSpan.FromSeconds(2), stop.Token);
        Assert.Equal(-1, followed.Current.Generation);
        Assert.Equal($"the standby coordinator at {standby.Address}", followed.Current.ShownBy);

        active.Serve(run);
        await Until(() => followed.Current.Generation == 2 && followed.Current.Elites.Count == 1000, stop.Token);
        RunViewCopyTests.AssertSame(run.Current, followed.Current);
        Assert.Equal($"the standby coordinator at {standby.Address}", followed.Current.ShownBy);
        Assert.Null(run.Current.ShownBy);
        Assert.Equal(run.Workers, followed.Workers);
        Assert.Equal(("weights", "sidecar", "hash"), followed.Model);

        followed.Pause();
        Assert.Equal("paused", followed.Current.State);
        followed.Resume();
        followed.Stop();
        Assert.Equal(["pause", "resume", "stop"], run.Calls);
        Assert.Equal("/exports/mine", followed.Export("mine", 0.5f));
        Assert.Equal("export mine 0.5", run.Calls[^1]);
        var refused = Assert.Throws<Tensors.InvalidInputException>(() => followed.Export("bad/name", null));
        Assert.Contains("plain folder name", refused.Message);

        // A later generation reaches the standby too.
        run.Current = RunViewCopyTests.SnapshotOf(generation: 3, cells: 1000);
        await Until(() => followed.Current.Generation == 3, stop.Token);
        RunViewCopyTests.AssertSame(run.Current, followed.Current);
        lock (lines)
        {
            Assert.Empty(lines);
        }

        // The active coordinator leaves: the page keeps the run as last seen, and says so.
        await active.DisposeAsync();
        await Until(() => followed.Current.ShownBy!.Contains("as last seen", StringComparison.Ordinal), stop.Token);
        Assert.Equal(3, followed.Current.Generation);
        lock (lines)
        {
            Assert.Contains(lines, line => line.Contains("showing the run as last seen", StringComparison.Ordinal));
        }
    }

    private static async Task Until(Func<bool> condition, CancellationToken cancel)
    {
        while (!condition())
        {
            await Task.Delay(100, cancel);
        }
    }
}
