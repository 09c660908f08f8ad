using System.Globalization;
using FoolingCluster.Tensors;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>Where a node listens or where a seed node is reached: a host name or IP and a TCP port.</summary>
/// <param name="Host">Host name or IP address.</param>
/// <param name="Port">TCP port; 0 on a listening address lets the system choose one.</param>
public sealed record NodeAddress(string Host, int Port)
{
    /// <summary>Loopback on the port the system chooses: the default for workers.</summary>
    public static NodeAddress LoopbackAnyPort { get; } = new("127.0.0.1", 0);

    /// <summary>Parses <c>HOST:PORT</c> as given to <paramref name="option"/>.</summary>
    /// <exception cref="InvalidInputException">The text is a URL, or not a host name or IP address and a port in [0 or 1, 65535].</exception>
    public static NodeAddress Parse(string text, string option, bool allowAnyPort = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains("://", StringComparison.Ordinal))
        {
            // An address copied from a URL (the dashboard's, say) would otherwise pass as a host named "http".
            throw new InvalidInputException($"{option} takes HOST:PORT, not a URL, e.g. 127.0.0.1:4053 (got '{text}')");
        }

        int colon = text.LastIndexOf(':');
        string host = colon > 0 ? text[..colon].Trim('[', ']') : "";
        string port = colon > 0 ? text[(colon + 1)..] : "";
        int lowest = allowAnyPort ? 0 : 1;
        if (Uri.CheckHostName(host) == UriHostNameType.Unknown || !int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < lowest || number > 65535)
        {
            throw new InvalidInputException($"{option} must be HOST:PORT with a host name or IP address and a port in [{lowest}, 65535], e.g. 127.0.0.1:4053 (got '{text}')");
        }

        return new NodeAddress(host, number);
    }

    /// <summary>Whether the address is on this machine only.</summary>
    public bool IsLoopback => Host is "127.0.0.1" or "localhost" or "::1";

    /// <summary>The Akka address of the node listening here, in the actor system <paramref name="system"/>, over TLS or not.</summary>
    public string AkkaAddress(string system, bool tls) => $"{(tls ? "akka.ssl.tcp" : "akka.tcp")}://{system}@{Host}:{Port}";

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}:{Port}");
}
