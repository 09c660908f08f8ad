namespace FoolingCluster.Tensors.Kernels;

/// <summary>A piece of work to run with one blocked microkernel, chosen at run time by <see cref="BlockedKernels.Call"/>.</summary>
internal interface IBlockedKernelCall
{
    /// <summary>Runs the work with <typeparamref name="TKernel"/>.</summary>
    void Run<TKernel>()
        where TKernel : struct, IGemmMicroKernel;
}

/// <summary>The blocked microkernels by kind: which kinds have one, their tile widths, and a call specialised for one.</summary>
internal static class BlockedKernels
{
    /// <summary>Whether <paramref name="kind"/> names a blocked microkernel (one that packed panels are laid out for).</summary>
    public static bool Has(GemmKernelKind kind) => kind is GemmKernelKind.Vector512 or GemmKernelKind.Vector256 or GemmKernelKind.Scalar;

    /// <summary>Columns of the register tile (<c>Nr</c>) of a blocked microkernel.</summary>
    public static int TileColumns(GemmKernelKind kind) => kind switch
    {
        GemmKernelKind.Vector512 => GemmKernel512.Nr,
        GemmKernelKind.Vector256 => GemmKernel256.Nr,
        _ => GemmKernelScalar.Nr,
    };

    /// <summary>Runs <paramref name="call"/> with the microkernel of <paramref name="kind"/>, compiled for it.</summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is not a blocked microkernel.</exception>
    public static void Call<TCall>(GemmKernelKind kind, TCall call)
        where TCall : struct, IBlockedKernelCall
    {
        switch (kind)
        {
            case GemmKernelKind.Vector512:
                call.Run<GemmKernel512>();
                break;
            case GemmKernelKind.Vector256:
                call.Run<GemmKernel256>();
                break;
            case GemmKernelKind.Scalar:
                call.Run<GemmKernelScalar>();
                break;
            default:
                throw new ArgumentException($"{kind} has no packed panels to run", nameof(kind));
        }
    }
}
