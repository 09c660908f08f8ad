using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Tensors.Ops;

/// <summary>
/// One convolution's weight packed for the GEMM once and reused by every later call with the same
/// weight, as ONNX Runtime packs conv weights when a session loads. Pass the same cache to
/// <see cref="Functional.Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions, ConvWeightCache?)"/> on
/// each call of one convolution.
/// </summary>
/// <remarks>
/// The packing is keyed by the weight tensor itself and its <see cref="Tensor.Version"/>, so a
/// different weight, or the same one changed by an optimiser step or a load, is packed again
/// rather than served stale. Safe to share between threads: a racing call at worst packs twice.
/// </remarks>
public sealed class ConvWeightCache
{
    private Entry? _entry;
    private WinogradEntry? _winograd;
    private int _packings;

    /// <summary>How many times a weight was packed (tests check that reuse and repacking happen).</summary>
    internal int Packings => Volatile.Read(ref _packings);

    /// <summary>The packed groups of <paramref name="weight"/> for <paramref name="g"/>, packing them when the cached ones are for another weight, version or geometry.</summary>
    internal GemmPackedA[]? For(Tensor weight, in GeneralConvGeometry g)
    {
        // Read the version before the elements, so a write racing with the packing leaves an
        // entry that is already out of date rather than one that looks current.
        long version = weight.Version;
        Entry? entry = Volatile.Read(ref _entry);
        if (entry is not null && ReferenceEquals(entry.Weight, weight) && entry.Version == version && entry.Fits(g))
        {
            return entry.Packed;
        }

        var fresh = new Entry(weight, version, ConvKernel.PackWeight(g, weight.Span));
        Interlocked.Increment(ref _packings);
        Volatile.Write(ref _entry, fresh);
        return fresh.Packed;
    }

    /// <summary>
    /// The weight of <paramref name="g"/> transformed for F(2×2, 3×3), transforming it when the
    /// cached one is for another weight or version; null where the convolution does not run by
    /// Winograd's method (<see cref="WinogradConvKernel.Applies"/>).
    /// </summary>
    internal WinogradWeight? WinogradFor(Tensor weight, in GeneralConvGeometry g)
    {
        GemmKernelKind kind = Gemm.BestKernel();
        if (!WinogradConvKernel.Applies(g, kind))
        {
            return null;
        }

        long version = weight.Version;
        WinogradEntry? entry = Volatile.Read(ref _winograd);
        if (entry is not null && ReferenceEquals(entry.Weight, weight) && entry.Version == version &&
            entry.Transformed.OutChannels == g.OutChannels && entry.Transformed.Channels == g.Channels)
        {
            return entry.Transformed;
        }

        var fresh = new WinogradEntry(weight, version, WinogradWeight.Pack(kind, weight.Span, g.OutChannels, g.Channels));
        Interlocked.Increment(ref _packings);
        Volatile.Write(ref _winograd, fresh);
        return fresh.Transformed;
    }

    private sealed record WinogradEntry(Tensor Weight, long Version, WinogradWeight Transformed);

    private sealed record Entry(Tensor Weight, long Version, GemmPackedA[]? Packed)
    {
        public bool Fits(in GeneralConvGeometry g) =>
            Packed is null ? g.IsDepthwise : Packed.Length == g.Groups && Packed[0].M == g.GroupOutChannels && Packed[0].K == g.PatchSize;
    }
}
