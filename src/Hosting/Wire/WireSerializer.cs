using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;
using FoolingCluster.Protocol;
using Google.Protobuf;

namespace FoolingCluster.Hosting.Wire;

/// <summary>
/// Serialises the cluster's messages between nodes: protobuf bytes under a short manifest
/// that names the message (<see cref="WireManifests"/>), never a .NET type name, so nodes of
/// different builds agree and no type can be instantiated from the wire by name. An unknown
/// manifest, an oversized body or bytes that do not parse are refused with a
/// <see cref="SerializationException"/>, which the remoting layer logs and drops.
/// </summary>
public sealed class WireSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    /// <summary>Akka's id for this serializer, fixed for the life of the protocol (ids below 100 are Akka's own).</summary>
    public const int Id = 7401;

    /// <summary>The name the serializer is registered under in the actor system's configuration.</summary>
    public const string Name = "fooling-wire";

    /// <inheritdoc/>
    public override int Identifier => Id;

    /// <inheritdoc/>
    public override string Manifest(object o) =>
        WireManifests.ManifestOf(o.GetType()) ?? throw new SerializationException($"{o.GetType().Name} is not a cluster message");

    /// <inheritdoc/>
    public override byte[] ToBinary(object obj)
    {
        if (obj is not IMessage message || WireManifests.ManifestOf(obj.GetType()) is null)
        {
            throw new SerializationException($"{obj?.GetType().Name ?? "null"} is not a cluster message");
        }

        return message.ToByteArray();
    }

    /// <inheritdoc/>
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        MessageParser parser = WireManifests.ParserOf(manifest) ?? throw new SerializationException($"unknown message kind '{Shorten(manifest)}'");
        if (bytes.Length > MessageLimits.MaxMessageBytes)
        {
            throw new SerializationException($"a '{manifest}' message of {bytes.Length:N0} bytes exceeds the limit of {MessageLimits.MaxMessageBytes:N0}");
        }

        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new SerializationException($"a '{manifest}' message does not parse: {ex.Message}", ex);
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
