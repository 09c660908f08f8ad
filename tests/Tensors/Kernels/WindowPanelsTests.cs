using FoolingCluster.Tensors.Kernels;
using FoolingCluster.Tensors.Tests.Support;
using Xunit;

namespace FoolingCluster.Tensors.Tests.Kernels;

/// <summary>
/// Windows unfolded straight into the GEMM's panels are exactly the panels of the unfolded column
/// matrix, for any block of rows and columns (images side by side, groups, strides, pads,
/// dilation); and a convolution whose product is split over threads, across its columns (each
/// thread unfolding its own) or its rows (from the image unfolded once), matches the definition.
/// </summary>
public unsafe class WindowPanelsTests
{
    /// <summary>N, C, H, W, KH, KW, sh, sw, pt, pl, pb, pr, dh, dw, G.</summary>
    public static TheoryData<int[]> Geometries() => new()
    {
        new[] { 3, 2, 7, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1 },
        new[] { 2, 3, 20, 23, 7, 7, 2, 2, 3, 3, 3, 3, 1, 1, 1 },
        new[] { 2, 4, 9, 10, 3, 2, 3, 2, 2, 0, 1, 1, 2, 3, 2 },
        new[] { 4, 2, 5, 5, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1 },
        new[] { 2, 4, 6, 7, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1, 2 },
        new[] { 1, 1, 3, 70, 2, 3, 1, 1, 0, 2, 1, 0, 1, 1, 1 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Panels_unfolded_from_the_windows_equal_the_packed_column_matrix(int[] s)
    {
        var g = new GeneralConvGeometry(s[0], s[1], s[2], s[3], s[14], s[4], s[5], s[6], s[7], s[8], s[9], s[10], s[11], s[12], s[13], s[14]);
        var rng = new Random(3);
        float[] x = ConvReference.Random(rng, g.Batch * g.ImageSize);
        int spatial = g.OutSpatial;
        int n = g.Batch * spatial;
        int rows = g.PatchSize;
        const int Nr = 16;
        for (int group = 0; group < g.Groups; group++)
        {
            // The group's column matrix, images side by side, as the unfolded path builds it.
            float[] col = new float[g.ColumnRows * n];
            for (int image = 0; image < g.Batch; image++)
            {
                Im2Col.Unfold(g with { Batch = 1 }, x.AsSpan(image * g.ImageSize, g.ImageSize), col.AsSpan(image * spatial), n);
            }

            foreach ((int pc, int kc, int j0, int nc) in Blocks(rows, n))
            {
                float[] expected = Enumerable.Repeat(float.NaN, ((nc + Nr - 1) / Nr * Nr * kc) + 1).ToArray();
                float[] got = (float[])expected.Clone();
                fixed (float* pcol = col, pe = expected, px = x, pg = got)
                {
                    GemmPacking.PackB(false, pcol + ((nint)((group * rows) + pc) * n) + j0, n, kc, nc, Nr, pe);
                    var windows = new WindowPanels(g, px + ((nint)group * g.GroupChannels * g.Height * g.Width), g.ImageSize, px + x.Length);
                    windows.Pack(pc, kc, j0, nc, Nr, pg);
                }

                Assert.True(expected.AsSpan().SequenceEqual(got), $"{g}, group {group}, rows {pc}+{kc}, columns {j0}+{nc}: the panels differ");
            }
        }
    }

    [Theory]
    [InlineData(16, 32, 32, 32, 1)]
    [InlineData(32, 7, 7, 128, 1)]
    [InlineData(8, 12, 12, 64, 2)]
    public void A_convolution_split_over_threads_matches_the_definition(int channels, int height, int width, int outChannels, int groups)
    {
        // One image on two or three threads: the product is large enough to split, across its
        // columns (a wide image) or its rows (many output channels, few columns).
        var g = new GeneralConvGeometry(1, channels, height, width, outChannels, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, groups);
        var rng = new Random(5);
        float[] x = ConvReference.Random(rng, g.ImageSize);
        float[] weight = ConvReference.Random(rng, g.WeightSize);
        float[] bias = ConvReference.Random(rng, g.OutChannels);
        double[] expected = ConvReference.Forward(g, x, weight, bias);
        GemmPackedA[]? packed = ConvKernel.PackWeight(g, weight);
        foreach (int threads in new[] { 2, 3 })
        {
            float[] y = Enumerable.Repeat(float.NaN, expected.Length).ToArray();
            ConvKernel.Forward(g, x, weight, bias, y, threads);
            ConvReference.AssertClose(expected, y, $"{g} on {threads} threads");
            y.AsSpan().Fill(float.NaN);
            ConvKernel.ForwardPacked(g, x, weight, packed, bias, y, threads);
            ConvReference.AssertClose(expected, y, $"{g} with its weight packed, on {threads} threads");
        }
    }

    /// <summary>The whole matrix, and blocks starting inside it whose sizes are not multiples of a panel.</summary>
    private static IEnumerable<(int Pc, int Kc, int J0, int Nc)> Blocks(int rows, int columns)
    {
        yield return (0, rows, 0, columns);
        yield return (rows / 2, rows - (rows / 2), columns / 3, columns - (columns / 3));
        yield return (rows - 1, 1, columns - 1, 1);
        yield return (rows / 3, Math.Max(1, rows / 3), 5 % columns, Math.Min(columns - (5 % columns), 21));
    }
}
