using System.Net;
using System.Net.Sockets;

namespace FoolingCluster.Tests.Shared;

/// <summary>Ports for the servers and nodes tests start on 127.0.0.1.</summary>
internal static class FreePorts
{
    /// <summary>A TCP port on 127.0.0.1 that nothing listens on now (the system's choice for port 0).</summary>
    public static int Loopback()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        try
        {
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        finally
        {
            probe.Stop();
        }
    }
}
