using Google.Protobuf;

namespace FoolingCluster.Protocol.Transport;

/// <summary>Bytes to messages for every transport: size bound first, then parsing; failures are reported, not thrown.</summary>
public static class MessageCodec
{
    /// <summary>Parses <paramref name="body"/>, or returns null and says why through <paramref name="dropped"/>.</summary>
    public static T? TryParse<T>(MessageParser<T> parser, ReadOnlyMemory<byte> body, string what, Action<string>? dropped)
        where T : class, IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        if (body.Length > MessageLimits.MaxMessageBytes)
        {
            dropped?.Invoke($"dropped a {what} of {body.Length:N0} bytes (limit {MessageLimits.MaxMessageBytes:N0})");
            return null;
        }

        try
        {
            return parser.ParseFrom(body.Span);
        }
        catch (InvalidProtocolBufferException ex)
        {
            dropped?.Invoke($"dropped a {what} that does not parse ({ex.Message})");
            return null;
        }
    }
}
