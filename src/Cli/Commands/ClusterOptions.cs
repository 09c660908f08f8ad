using System.CommandLine;
using System.Globalization;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>The cluster options of the commands that hand work to workers, and of the worker itself.</summary>
internal static class ClusterOptions
{
    /// <summary>Environment variable that sets how many seconds joining the cluster is tried (default 30).</summary>
    public const string JoinSecondsVariable = "FOOLING_JOIN_SECONDS";

    /// <summary>Environment variable holding the password of the <c>--tls</c> certificate file.</summary>
    public const string TlsPasswordVariable = "FOOLING_TLS_PASSWORD";

    /// <summary>Where a coordinator listens unless told otherwise.</summary>
    public const string DefaultCoordinatorAddress = "127.0.0.1:4053";

    /// <summary><c>--cluster HOST:PORT</c>: where this node listens for the cluster.</summary>
    public static Option<string> Listen(string defaultAddress, string description) =>
        new("--cluster") { Description = description, DefaultValueFactory = _ => defaultAddress };

    /// <summary><c>--join HOST:PORT</c>, repeatable: the coordinator-role nodes to join through.</summary>
    public static Option<string[]> Join(bool required) =>
        new("--join") { Description = "HOST:PORT of a coordinator to join the cluster through (its --cluster address); may be given more than once", Required = required, Arity = required ? ArgumentArity.OneOrMore : ArgumentArity.ZeroOrMore };

    /// <summary><c>--insecure</c>: allow a cluster address other machines can reach, without encryption.</summary>
    public static Option<bool> Insecure() =>
        new("--insecure") { Description = "allow a --cluster address reachable from other machines although the cluster's traffic is not encrypted (only on a network you trust)" };

    /// <summary><c>--tls FILE</c>: the cluster's certificate.</summary>
    public static Option<string?> Tls() =>
        new("--tls") { Description = $"the cluster's certificate (PKCS#12, from `fooling cluster-certificate`; password in ${TlsPasswordVariable}): every node given the same file talks over mutual TLS and no other node gets in" };

    /// <summary>The node's settings from its options, checked before anything starts.</summary>
    /// <param name="listen">The <c>--cluster</c> value.</param>
    /// <param name="joins">The <c>--join</c> values.</param>
    /// <param name="insecure">Whether <c>--insecure</c> was given.</param>
    /// <param name="anyPort">Whether port 0 (any free port) may be asked for: workers, not coordinators, whose address others join through.</param>
    /// <param name="tls">The <c>--tls</c> certificate file, or null.</param>
    /// <exception cref="InvalidInputException">An address is malformed, reachable from elsewhere with neither <c>--tls</c> nor <c>--insecure</c>, or the certificate cannot be read.</exception>
    public static NodeSettings Node(string listen, IEnumerable<string>? joins, bool insecure, bool anyPort, string? tls)
    {
        NodeAddress address = NodeAddress.Parse(listen, "--cluster", anyPort);
        NodeAddress[] seeds = [.. (joins ?? []).Select(j => NodeAddress.Parse(j, "--join"))];
        if (!address.IsLoopback && !insecure && tls is null)
        {
            throw new InvalidInputException($"--cluster {address} can be reached from other machines: give every node the cluster's certificate with --tls FILE (make one with ./fooling cluster-certificate --out cluster.pfx), or add --insecure to send the cluster's messages unencrypted on a network you trust; the default 127.0.0.1 is this machine only");
        }

        if (tls is not null && insecure)
        {
            throw new InvalidInputException("--tls and --insecure contradict each other: with --tls the cluster's traffic is encrypted; leave out --insecure");
        }

        if (address.Host is "0.0.0.0" or "::")
        {
            throw new InvalidInputException($"--cluster needs the address other nodes reach this one at, not a wildcard (got {address}); give this machine's IP address");
        }

        return new NodeSettings(address, seeds) { Certificate = tls is null ? null : ClusterTls.Load(tls, Environment.GetEnvironmentVariable(TlsPasswordVariable)) };
    }

    /// <summary>How long to keep trying to join before giving up: <see cref="JoinSecondsVariable"/>, or 30 s.</summary>
    public static TimeSpan JoinTimeout()
    {
        string? text = Environment.GetEnvironmentVariable(JoinSecondsVariable);
        if (string.IsNullOrEmpty(text))
        {
            return TimeSpan.FromSeconds(30);
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || seconds > 86_400)
        {
            throw new InvalidInputException($"{JoinSecondsVariable} must be a number of seconds in (0, 86400] (got '{text}')");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    public static string? Advertise(string? address)
    {
        if (address is not null && (!Uri.TryCreate(address, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new InvalidInputException($"--advertise must be an http:// address workers can reach, e.g. http://10.0.0.5:8080 (got '{address}')");
        }

        return address;
    }
}
