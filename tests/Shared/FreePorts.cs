using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace FoolingCluster.Tests.Shared;

/// <summary>Ports for the servers and nodes tests start on 127.0.0.1.</summary>
internal static class FreePorts
{
    /// <summary>Ports handed out by this test process, never handed out twice.</summary>
    private static readonly HashSet<int> Given = [];

    /// <summary>
    /// A TCP port on 127.0.0.1 that nothing listens on now, below the system's ephemeral range.
    /// </summary>
    /// <remarks>
    /// A port the system chose for port 0 is one it hands out again, to any process that binds
    /// port 0 or opens a connection, in the seconds before the server under test binds it; on a
    /// busy machine running tests side by side that happens. A port outside the ephemeral range
    /// is only ever taken by an explicit bind.
    /// </remarks>
    public static int Loopback()
    {
        int firstEphemeral = FirstEphemeralPort();
        int low = Math.Min(20_000, firstEphemeral / 2);
        for (int attempt = 0; attempt < 1_000; attempt++)
        {
            int port = Random.Shared.Next(low, firstEphemeral);
            lock (Given)
            {
                if (Given.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                Given.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"no free port on 127.0.0.1 in [{low}, {firstEphemeral})");
    }

    private static bool IsFree(int port)
    {
        var probe = new TcpListener(IPAddress.Loopback, port);
        try
        {
            probe.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            probe.Stop();
        }
    }

    /// <summary>The first port of Linux's ephemeral range (32768 by default; 49152 elsewhere).</summary>
    private static int FirstEphemeralPort()
    {
        const string Range = "/proc/sys/net/ipv4/ip_local_port_range";
        if (File.Exists(Range)
            && File.ReadAllText(Range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) is [string first, ..]
            && int.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out int port)
            && port > 2_048)
        {
            return port;
        }

        return 32_768;
    }
}
