using System.Globalization;
using System.Text.RegularExpressions;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// The RabbitMQ address every <c>--broker</c> option takes, checked before anything runs: a
/// malformed one (no host, a port out of range, another scheme) is refused at once in the
/// user's own spelling, rather than after the connect timeout and printed as the client
/// library rewrote it.
/// </summary>
internal static partial class BrokerAddress
{
    /// <summary>The address in <paramref name="text"/>: amqp:// or amqps://, a host, and an optional port in [1, 65535].</summary>
    /// <exception cref="InvalidInputException">The address is malformed; the message says which part and quotes it.</exception>
    public static Uri Parse(string text, string option = "--broker")
    {
        ArgumentNullException.ThrowIfNull(text);
        const string Example = "e.g. amqp://guest:guest@10.0.0.5:5672/";
        Match parts = Parts().Match(text);
        if (!parts.Success)
        {
            throw new InvalidInputException($"{option} must be an amqp:// or amqps:// address, {Example} (got '{text}')");
        }

        string scheme = parts.Groups["scheme"].Value;
        if (scheme is not ("amqp" or "amqps"))
        {
            throw new InvalidInputException($"{option} must start with amqp:// or amqps://, not {scheme}:// (got '{text}')");
        }

        if (parts.Groups["host"].Value.Length == 0)
        {
            throw new InvalidInputException($"{option} names no host, {Example} (got '{text}')");
        }

        string port = parts.Groups["port"].Value;
        if (parts.Groups["colon"].Success
            && !(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out int number) && number is >= 1 and <= 65535))
        {
            throw new InvalidInputException($"{option}: port '{port}' is not a port number in [1, 65535] (got '{text}')");
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
        {
            throw new InvalidInputException($"{option} is not a valid address, {Example} (got '{text}')");
        }

        return uri;
    }

    // scheme://[user[:password]@]host[:port][/vhost]; the host may be an [IPv6] literal.
    [GeneratedRegex(@"^(?<scheme>[A-Za-z][A-Za-z0-9+.\-]*)://(?:[^/@]*@)?(?<host>\[[^\]/]*\]|[^:/\[\]]*)(?<colon>:(?<port>[^/]*))?(?:/.*)?$")]
    private static partial Regex Parts();
}
