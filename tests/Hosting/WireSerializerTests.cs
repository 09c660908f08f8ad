using System.Runtime.Serialization;
using Akka.Actor;
using FoolingCluster.Hosting.Wire;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using Google.Protobuf;
using Xunit;

namespace FoolingCluster.Hosting.Tests;

/// <summary>The wire serializer: every cluster message round-trips under its own manifest; anything else is refused, not misread.</summary>
public sealed class WireSerializerTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("wire-test");
    private readonly WireSerializer _serializer;

    public WireSerializerTests() => _serializer = new WireSerializer((ExtendedActorSystem)_system);

    public static TheoryData<IMessage> Messages() =>
    [
        new JobRequestMessage { WorkerId = "w1", Host = "h", Threads = 2 },
        new JobMessage { JobId = 7, Generation = 3, Seed = 99, Children = 4, Run = new RunSpecMessage { RunId = "r", Classes = 10 } },
        new JobReleaseMessage { WorkerId = "w1", RunId = "r", JobId = 7, Finished = true },
        new WorkerMessage { Heartbeat = new HeartbeatMessage { WorkerId = "w", Evaluations = 5 } },
        new ControlMessage { RunId = "r", Command = ControlMessage.Types.Command.Pause },
    ];

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_cluster_message_round_trips_under_its_own_manifest(IMessage message)
    {
        string manifest = _serializer.Manifest(message);
        object back = _serializer.FromBinary(_serializer.ToBinary(message), manifest);
        Assert.Equal(message, back);
        Assert.DoesNotContain(".", manifest, StringComparison.Ordinal); // a name, never a .NET type
    }

    [Fact]
    public void Manifests_are_distinct_and_every_bound_type_has_one()
    {
        string[] manifests = [.. WireManifests.Types.Select(t => WireManifests.ManifestOf(t)!)];
        Assert.Equal(manifests.Length, manifests.Distinct().Count());
        Assert.All(manifests, m => Assert.NotNull(WireManifests.ParserOf(m)));
    }

    [Fact]
    public void An_unknown_manifest_is_refused()
    {
        var ex = Assert.Throws<SerializationException>(() => _serializer.FromBinary([1, 2, 3], "System.Diagnostics.Process, System"));
        Assert.Contains("unknown message kind", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_do_not_parse_are_refused()
    {
        var ex = Assert.Throws<SerializationException>(() => _serializer.FromBinary([0xff, 0xff, 0xff, 0xff], "job"));
        Assert.Contains("does not parse", ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> Manifests() => [.. WireManifests.Types.Select(t => WireManifests.ManifestOf(t)!)];

    [Theory]
    [MemberData(nameof(Manifests))]
    public void Garbage_bytes_are_refused_under_every_message_kind(string manifest)
    {
        // The first two bytes tag field 319 with wire type 7, which protobuf does not have.
        var ex = Assert.Throws<SerializationException>(() => _serializer.FromBinary([0xFF, 0x13, 0x37, 0x00, 0x42], manifest));
        Assert.Contains("does not parse", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_oversized_message_is_refused_before_parsing()
    {
        var ex = Assert.Throws<SerializationException>(() => _serializer.FromBinary(new byte[MessageLimits.MaxMessageBytes + 1], "worker"));
        Assert.Contains("exceeds the limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_that_is_not_a_cluster_message_is_not_serialised()
    {
        Assert.Throws<SerializationException>(() => _serializer.ToBinary("plain text"));
        Assert.Throws<SerializationException>(() => _serializer.ToBinary(new HeartbeatMessage()));
    }

    public void Dispose() => _system.Dispose();
}
