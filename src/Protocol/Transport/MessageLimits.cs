namespace FoolingCluster.Protocol.Transport;

/// <summary>Bounds every transport enforces before parsing, so a hostile peer cannot exhaust memory.</summary>
public static class MessageLimits
{
    /// <summary>Largest message accepted, in bytes (a job of 400 large CPPN parents is well under 2 MiB).</summary>
    public const int MaxMessageBytes = 16 << 20;
}
