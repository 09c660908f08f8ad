using System.Globalization;
using System.Net;
using FoolingCluster.Tensors;

namespace FoolingCluster.Coordinator.Http;

/// <summary>Where and how the coordinator's dashboard and HTTP API listen.</summary>
public sealed record DashboardOptions
{
    /// <summary>The default bind: this machine only.</summary>
    public const string DefaultListen = "127.0.0.1:8080";

    /// <summary>
    /// <c>host:port</c> to bind: an IP address (<c>[::1]:8080</c> for IPv6), <c>localhost</c>, or
    /// <c>0.0.0.0</c>/<c>*</c> for every interface. Port 0 picks a free port.
    /// </summary>
    public string Listen { get; init; } = DefaultListen;

    /// <summary>
    /// Shared secret for control and export requests (header <c>Authorization: Bearer …</c> or
    /// <c>X-Fooling-Token</c>). Required to bind anywhere but loopback; without one, a loopback
    /// bind lets anyone on this machine pause, stop and export.
    /// </summary>
    public string? Token { get; init; }

    /// <summary>Receives one line per notable event (control, export, server errors); optional.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>A parsed <see cref="DashboardOptions.Listen"/>.</summary>
/// <param name="Address">Address to bind.</param>
/// <param name="Port">Port (0: any free port).</param>
internal sealed record ListenAddress(IPAddress Address, int Port)
{
    /// <summary>Whether only this machine can connect.</summary>
    public bool IsLoopback => IPAddress.IsLoopback(Address);

    /// <summary>Parses <c>host:port</c>; refuses anything Kestrel could not bind as given.</summary>
    public static ListenAddress Parse(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        string text = listen.Trim();
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new InvalidInputException($"--listen takes HOST:PORT, e.g. {DashboardOptions.DefaultListen} (got '{listen}')");
        }

        string host = text[..colon];
        string portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port > IPEndPoint.MaxPort)
        {
            throw new InvalidInputException($"--listen: '{portText}' is not a port number in [0, {IPEndPoint.MaxPort}] (got '{listen}')");
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw new InvalidInputException($"--listen: write an IPv6 address in brackets, e.g. [::1]:8080 (got '{listen}')");
        }

        IPAddress address = host switch
        {
            "localhost" => IPAddress.Loopback,
            "*" or "+" => IPAddress.Any,
            _ when IPAddress.TryParse(host, out IPAddress? parsed) => parsed,
            _ => throw new InvalidInputException($"--listen: '{host}' is not an IP address; give one of this machine's addresses, 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)"),
        };
        return new ListenAddress(address, port);
    }
}
