namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// A 3×3 convolution's weight in the Winograd domain of F(2×2, 3×3): <c>U = G·g·Gᵀ</c> for every
/// filter and input channel, held as 16 matrices <c>U[ξ]</c> of <c>[OC, C]</c>, one per element
/// ξ = 4i + j of the 4×4 transformed tile, each packed for the GEMM's microkernel.
/// </summary>
/// <remarks>
/// <c>G = [[1, 0, 0], [½, ½, ½], [½, −½, ½], [0, 0, 1]]</c> (Lavin &amp; Gray, "Fast Algorithms for
/// Convolutional Neural Networks", CVPR 2016). The copy is taken when packed; later changes to
/// the weight are not seen.
/// </remarks>
internal sealed class WinogradWeight
{
    /// <summary>Elements of a transformed tile, and so matrices of the weight.</summary>
    public const int TileElements = 16;

    private WinogradWeight(int outChannels, int channels, GemmPackedA[] matrices)
    {
        OutChannels = outChannels;
        Channels = channels;
        Matrices = matrices;
    }

    /// <summary>OC, rows of each matrix.</summary>
    public int OutChannels { get; }

    /// <summary>C, columns of each matrix.</summary>
    public int Channels { get; }

    /// <summary><c>U[ξ]</c> for ξ = 0 … 15, each <c>[OC, C]</c> packed for one microkernel.</summary>
    public GemmPackedA[] Matrices { get; }

    /// <summary>The blocked microkernel the matrices are packed for.</summary>
    public GemmKernelKind Kind => Matrices[0].Kind;

    /// <summary>Transforms and packs <paramref name="weight"/> for the widest microkernel this CPU runs.</summary>
    /// <param name="weight">Filters <c>[OC, C, 3, 3]</c>.</param>
    /// <param name="outChannels">OC.</param>
    /// <param name="channels">C.</param>
    public static WinogradWeight Pack(ReadOnlySpan<float> weight, int outChannels, int channels) =>
        Pack(Gemm.BestKernel(), weight, outChannels, channels);

    /// <summary>As <see cref="Pack(ReadOnlySpan{float}, int, int)"/> for a given blocked microkernel (tests cover each).</summary>
    /// <exception cref="ArgumentException">The weight is not <c>[OC, C, 3, 3]</c>.</exception>
    public static WinogradWeight Pack(GemmKernelKind kind, ReadOnlySpan<float> weight, int outChannels, int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if (weight.Length != outChannels * channels * 9)
        {
            throw new ArgumentException($"a [{outChannels},{channels},3,3] weight has {outChannels * channels * 9} elements, not {weight.Length}", nameof(weight));
        }

        int size = outChannels * channels;
        float[] transformed = new float[TileElements * size];
        Span<float> u = stackalloc float[TileElements];
        for (int oc = 0; oc < outChannels; oc++)
        {
            for (int c = 0; c < channels; c++)
            {
                int at = (oc * channels) + c;
                Transform(weight.Slice(at * 9, 9), u);
                for (int e = 0; e < TileElements; e++)
                {
                    transformed[(e * size) + at] = u[e];
                }
            }
        }

        var matrices = new GemmPackedA[TileElements];
        for (int e = 0; e < TileElements; e++)
        {
            matrices[e] = GemmPackedA.Pack(kind, transformed.AsSpan(e * size, size), channels, outChannels, channels);
        }

        return new WinogradWeight(outChannels, channels, matrices);
    }

    /// <summary><c>u = G·g·Gᵀ</c> of one 3×3 filter <paramref name="g"/> (row-major), written row-major into the 4×4 <paramref name="u"/>.</summary>
    private static void Transform(ReadOnlySpan<float> g, Span<float> u)
    {
        // G·g: rows g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2, g2 of the filter's rows.
        Span<float> gg = stackalloc float[12];
        for (int k = 0; k < 3; k++)
        {
            float g0 = g[k], g1 = g[3 + k], g2 = g[6 + k];
            gg[k] = g0;
            gg[3 + k] = 0.5f * (g0 + g1 + g2);
            gg[6 + k] = 0.5f * (g0 - g1 + g2);
            gg[9 + k] = g2;
        }

        // (G·g)·Gᵀ: the same combination along each row.
        for (int i = 0; i < 4; i++)
        {
            float a = gg[3 * i], b = gg[(3 * i) + 1], c = gg[(3 * i) + 2];
            u[4 * i] = a;
            u[(4 * i) + 1] = 0.5f * (a + b + c);
            u[(4 * i) + 2] = 0.5f * (a - b + c);
            u[(4 * i) + 3] = c;
        }
    }
}
