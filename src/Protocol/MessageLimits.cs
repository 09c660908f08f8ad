namespace FoolingCluster.Protocol;

/// <summary>Bounds every transport enforces before parsing, so a hostile peer cannot exhaust memory.</summary>
public static class MessageLimits
{
    /// <summary>Largest message accepted, in bytes (a job of 400 large CPPN parents is well under 2 MiB).</summary>
    public const int MaxMessageBytes = 16 << 20;

    /// <summary>
    /// Most children a job may carry when each parent (and each child reported back) takes
    /// <paramref name="genomeBytes"/>: the job and its result stay within half the message limit,
    /// so a direct-encoded ImageNet parent (3×224×224 floats, 602 KB) makes jobs of at most 12.
    /// Always even (children are bred in pairs) and at least 2.
    /// </summary>
    public static int ChildrenPerJob(long genomeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(genomeBytes);
        long fit = MaxMessageBytes / 2 / genomeBytes;
        return (int)Math.Clamp(fit - (fit % 2), 2, 100_000);
    }
}
