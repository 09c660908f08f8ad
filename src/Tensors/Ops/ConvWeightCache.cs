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

    private sealed record Entry(Tensor Weight, long Version, GemmPackedA[]? Packed)
    {
        public bool Fits(in GeneralConvGeometry g) =>
            Packed is null ? g.IsDepthwise : Packed.Length == g.Groups && Packed[0].M == g.GroupOutChannels && Packed[0].K == g.PatchSize;
    }
}
