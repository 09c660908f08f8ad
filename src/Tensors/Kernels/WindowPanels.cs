namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// A convolution's column matrix as the GEMM's right operand: the windows of consecutive images,
/// side by side, unfolded block by block into the panels by <see cref="Im2Col.PackPanels"/>.
/// </summary>
/// <param name="g">Sizes, with the channels of one group read per image.</param>
/// <param name="images">The first image's first channel of the group.</param>
/// <param name="imageStride">Floats from one image to the next.</param>
/// <param name="end">One past the last float that may be read.</param>
internal readonly unsafe struct WindowPanels(GeneralConvGeometry g, float* images, nint imageStride, float* end) : IPanelSource
{
    /// <inheritdoc/>
    public void Pack(int pc, int kc, int j0, int nc, int nr, float* dst) =>
        Im2Col.PackPanels(g, images, imageStride, end, pc, kc, j0, nc, nr, dst);
}
