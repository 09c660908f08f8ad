using FoolingCluster.Protocol.Transport.RabbitMq;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>The broker and model-download addresses of the commands that hand work to workers.</summary>
internal static class ClusterOptions
{
    /// <summary>Environment variable that sets how many seconds a first connection to the broker is retried (default 30).</summary>
    public const string ConnectSecondsVariable = "FOOLING_BROKER_CONNECT_SECONDS";

    /// <summary>How long to keep trying an unreachable broker before giving up: <see cref="ConnectSecondsVariable"/>, or 30 s.</summary>
    public static TimeSpan ConnectTimeout()
    {
        string? text = Environment.GetEnvironmentVariable(ConnectSecondsVariable);
        if (string.IsNullOrEmpty(text))
        {
            return TimeSpan.FromSeconds(30);
        }

        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || seconds > 86_400)
        {
            throw new InvalidInputException($"{ConnectSecondsVariable} must be a number of seconds in (0, 86400] (got '{text}')");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    public static RabbitMqOptions Broker(string address, string prefix)
    {
        Uri uri = BrokerAddress.Parse(address);
        return new RabbitMqOptions { Uri = uri, Prefix = prefix, ConnectionName = $"coordinator {Environment.MachineName}", ConnectTimeout = ConnectTimeout() };
    }

    /// <summary>The command that starts a worker for this broker, for log lines that tell the user what to run.</summary>
    public static string WorkerCommandLine(RabbitMqOptions broker) =>
        $"./fooling worker --broker {Output.AddressText.Redacted(broker.Uri)}{(broker.Prefix == RabbitMqOptions.DefaultPrefix ? "" : $" --prefix {broker.Prefix}")}";

    public static string? Advertise(string? address)
    {
        if (address is not null && (!Uri.TryCreate(address, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new InvalidInputException($"--advertise must be an http:// address workers can reach, e.g. http://10.0.0.5:8080 (got '{address}')");
        }

        return address;
    }

    /// <summary>The address workers fetch the model from: <c>--advertise</c>, or the dashboard's own (a wildcard bind is advertised under the machine's name).</summary>
    public static string ModelUrl(string? advertise, Uri bound)
    {
        var root = new UriBuilder(advertise is not null ? new Uri(advertise) : bound);
        if (advertise is null && (root.Host is "0.0.0.0" or "[::]" or "::"))
        {
            root.Host = Environment.MachineName;
        }

        root.Path = "/api/models";
        return root.Uri.ToString();
    }
}
