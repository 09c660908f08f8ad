using Akka.Actor;
using Akka.Serialization;
using FoolingCluster.Hosting.Wire;

namespace FoolingCluster.Hosting.Tests.Support;

/// <summary>Bytes sent as a cluster message of kind <paramref name="Manifest"/>, whatever they hold: what a faulty or hostile node can put on the wire.</summary>
/// <param name="Manifest">The kind of message the bytes claim to be (<see cref="WireManifests"/>), or any other name.</param>
/// <param name="Bytes">The body, sent as it is.</param>
internal sealed record ForgedMessage(string Manifest, byte[] Bytes);

/// <summary>
/// A node's serializer that writes <see cref="ForgedMessage"/>s under the wire serializer's id, so
/// the receiving node hands their bytes to its <see cref="WireSerializer"/>; every other cluster
/// message it writes and reads as the wire serializer does, so the node otherwise works as usual.
/// </summary>
internal sealed class ForgingSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    private readonly WireSerializer _wire = new(system);

    public override int Identifier => WireSerializer.Id;

    public override string Manifest(object o) => o is ForgedMessage forged ? forged.Manifest : _wire.Manifest(o);

    public override byte[] ToBinary(object obj) => obj is ForgedMessage forged ? forged.Bytes : _wire.ToBinary(obj);

    public override object FromBinary(byte[] bytes, string manifest) => _wire.FromBinary(bytes, manifest);
}
