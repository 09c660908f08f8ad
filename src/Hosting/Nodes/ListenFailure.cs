using System.Net;
using System.Net.Sockets;
using FoolingCluster.Tensors;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>
/// Tells a node that could not listen on its address from other start failures: the remoting
/// transport reports it as a socket error several wrappers deep, and the user can fix it.
/// </summary>
internal static class ListenFailure
{
    /// <summary>
    /// Refuses <paramref name="listen"/> before the actor system starts if the system will not let
    /// this process listen there: a failed start is otherwise also printed, with its whole stack
    /// trace, by the hosting layer itself. A host name other than localhost is left to the start.
    /// </summary>
    /// <exception cref="InvalidInputException">Another process listens there, or the address is not this machine's, or the port is privileged.</exception>
    public static void ThrowIfRefused(NodeAddress listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        IPAddress? address = listen.Host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(listen.Host, out IPAddress? ip) ? ip : null;
        if (address is null || listen.Port == 0)
        {
            return;
        }

        var probe = new TcpListener(address, listen.Port);
        try
        {
            probe.Start();
        }
        catch (SocketException ex) when (Explain(ex, listen) is { } refusal)
        {
            throw refusal;
        }
        finally
        {
            probe.Stop();
        }
    }

    /// <summary>The refusal to report when <paramref name="failure"/> is the system refusing <paramref name="listen"/>; null for any other failure.</summary>
    public static InvalidInputException? Explain(Exception failure, NodeAddress listen) => Find(failure)?.SocketErrorCode switch
    {
        SocketError.AddressAlreadyInUse => new InvalidInputException($"--cluster {listen}: another process already listens on port {listen.Port} (perhaps another coordinator): stop it, or give another port"),
        SocketError.AddressNotAvailable => new InvalidInputException($"--cluster {listen}: {listen.Host} is not an address of this machine; give one of its own"),
        SocketError.AccessDenied => new InvalidInputException($"--cluster {listen}: this user may not listen on port {listen.Port}; give a port above 1023"),
        _ => null,
    };

    private static SocketException? Find(Exception? failure) => failure switch
    {
        null => null,
        SocketException socket => socket,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Find).FirstOrDefault(s => s is not null),
        _ => Find(failure.InnerException),
    };
}
