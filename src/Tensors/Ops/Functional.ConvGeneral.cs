using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.Kernels;

namespace FoolingCluster.Tensors.Ops;

/// <summary>General 2-D convolution: separate strides, asymmetric padding, dilation and groups.</summary>
public static partial class Functional
{
    /// <summary>
    /// 2-D convolution (cross-correlation) with ONNX <c>Conv</c> / PyTorch <c>nn.Conv2d</c>
    /// semantics: <c>y[n,oc,oh,ow] = b[oc] + Σ_{c,ki,kj} W[oc,c,ki,kj] · x[n, g·C/G + c, oh·sh − pt + ki·dh, ow·sw − pl + kj·dw]</c>
    /// with <c>g = oc / (OC/G)</c> and zero outside the image. Groups of one channel each
    /// (depthwise, <c>G = C</c>) run a direct vector kernel; the rest run im2col and GEMM.
    /// </summary>
    /// <remarks>
    /// Square stride, symmetric padding, no dilation and one group give exactly the results of
    /// <see cref="Conv2d(Tensor, Tensor, Tensor?, int, int)"/>. Backward gives the gradients of x,
    /// the weight and the bias.
    /// </remarks>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C/G,KH,KW]</c>.</param>
    /// <param name="bias">Per-filter offset <c>[OC]</c>, or null.</param>
    /// <param name="options">Strides, pads, dilations and groups.</param>
    /// <returns>
    /// <c>[N,OC,OH,OW]</c> with OH = ⌊(H + pt + pb − dh·(KH − 1) − 1) / sh⌋ + 1 and
    /// OW = ⌊(W + pl + pr − dw·(KW − 1) − 1) / sw⌋ + 1.
    /// </returns>
    /// <exception cref="InvalidInputException">A stride, dilation or group count is below 1, or a pad is negative.</exception>
    /// <exception cref="ShapeMismatchException">Ranks, channels, groups or bias length disagree, or the dilated kernel is larger than the padded input.</exception>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, Conv2dOptions options) => Conv2d(x, weight, bias, options, null);

    /// <summary>
    /// As <see cref="Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions)"/>, with the weight packed for
    /// the GEMM once and kept in <paramref name="cache"/> across calls (repacked when the weight or
    /// its <see cref="Tensor.Version"/> changes); null packs it on every call.
    /// </summary>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C/G,KH,KW]</c>.</param>
    /// <param name="bias">Per-filter offset <c>[OC]</c>, or null.</param>
    /// <param name="options">Strides, pads, dilations and groups.</param>
    /// <param name="cache">This convolution's packed weight, or null.</param>
    /// <returns><c>[N,OC,OH,OW]</c>, as the overload without a cache.</returns>
    /// <exception cref="InvalidInputException">A stride, dilation or group count is below 1, or a pad is negative.</exception>
    /// <exception cref="ShapeMismatchException">Ranks, channels, groups or bias length disagree, or the dilated kernel is larger than the padded input.</exception>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias, Conv2dOptions options, ConvWeightCache? cache) =>
        Convolve(x, weight, bias, CheckedGeometry(x, weight, bias, options), cache);

    /// <summary>
    /// <see cref="Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions, ConvWeightCache?)"/> followed by
    /// max pooling over 2×2 windows at stride 2 (as <see cref="MaxPool2d(Tensor, int, int)"/>),
    /// LeNet's and VGG's pattern. With no tape recording and a convolution that reads its windows
    /// in place, the pooling is taken as the product is copied out and the convolution's output is
    /// never written; otherwise the two ops run one after the other. Same results either way.
    /// </summary>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C/G,KH,KW]</c>.</param>
    /// <param name="bias">Per-filter offset <c>[OC]</c>, or null.</param>
    /// <param name="options">Strides, pads, dilations and groups.</param>
    /// <param name="cache">This convolution's packed weight, or null.</param>
    /// <returns><c>[N,OC,⌊OH/2⌋,⌊OW/2⌋]</c>.</returns>
    /// <exception cref="InvalidInputException">As <see cref="Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions)"/>.</exception>
    /// <exception cref="ShapeMismatchException">As <see cref="Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions)"/>, or the output is smaller than one window.</exception>
    public static Tensor Conv2dMaxPool2x2(Tensor x, Tensor weight, Tensor? bias, Conv2dOptions options, ConvWeightCache? cache)
    {
        GeneralConvGeometry g = CheckedGeometry(x, weight, bias, options);
        GemmPackedA[]? packed = cache is null || Tape.ShouldRecord([x, weight, bias]) || g.OutHeight < 2 || g.OutWidth < 2 || cache.WinogradFor(weight, g) is not null
            ? null
            : cache.For(weight, g);
        if (packed is null || !DirectConvKernel.Applies(g, packed))
        {
            return MaxPool2d(Convolve(x, weight, bias, g, cache), 2, 2);
        }

        Tensor y = Tensor.Empty(g.Batch, g.OutChannels, g.OutHeight / 2, g.OutWidth / 2);
        ConvKernel.ForwardPooled(g, x.Span, packed, bias is null ? default : bias.Span, y.Span);
        return y;
    }

    /// <summary>
    /// <see cref="Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions, ConvWeightCache?)"/> followed by
    /// <see cref="Relu"/>, ResNet's and VGG's pattern. With no tape recording and a cache, each
    /// output is replaced by <c>max(y, 0)</c> as the kernel writes it, while it is in cache, and
    /// the convolution's own output is never a tensor of its own; otherwise the two ops run one
    /// after the other. Same bits either way.
    /// </summary>
    /// <param name="x">Input <c>[N,C,H,W]</c>.</param>
    /// <param name="weight">Filters <c>[OC,C/G,KH,KW]</c>.</param>
    /// <param name="bias">Per-filter offset <c>[OC]</c>, or null.</param>
    /// <param name="options">Strides, pads, dilations and groups.</param>
    /// <param name="cache">This convolution's packed weight, or null.</param>
    /// <returns><c>[N,OC,OH,OW]</c>, every element at least 0 (or NaN).</returns>
    /// <exception cref="InvalidInputException">As <see cref="Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions)"/>.</exception>
    /// <exception cref="ShapeMismatchException">As <see cref="Conv2d(Tensor, Tensor, Tensor?, Conv2dOptions)"/>.</exception>
    public static Tensor Conv2dRelu(Tensor x, Tensor weight, Tensor? bias, Conv2dOptions options, ConvWeightCache? cache)
    {
        GeneralConvGeometry g = CheckedGeometry(x, weight, bias, options);
        if (cache is null || Tape.ShouldRecord([x, weight, bias]))
        {
            return Relu(Convolve(x, weight, bias, g, cache));
        }

        Tensor y = Tensor.Empty(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
        ReadOnlySpan<float> b = bias is null ? default : bias.Span;
        if (cache.WinogradFor(weight, g) is { } winograd)
        {
            ConvKernel.ForwardWinograd(g, x.Span, winograd, b, y.Span, relu: true);
        }
        else
        {
            ConvKernel.ForwardPacked(g, x.Span, weight.Span, cache.For(weight, g), b, y.Span, relu: true);
        }

        return y;
    }

    /// <summary>The geometry of a convolution, its options and operands checked.</summary>
    private static GeneralConvGeometry CheckedGeometry(Tensor x, Tensor weight, Tensor? bias, Conv2dOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        CheckConvOptions(options);
        CheckConvRanks("conv2d", x, weight, "[OC,C/G,KH,KW]");
        int groups = options.Groups;
        if (weight.Dim(1) * groups != x.Dim(1) || weight.Dim(0) % groups != 0)
        {
            throw new ShapeMismatchException($"conv2d: weight has shape {Tensor.ShapeString(weight.Shape)} but input x {Tensor.ShapeString(x.Shape)} in {groups} group{(groups == 1 ? "" : "s")} needs [OC,{x.Dim(1)}/{groups},KH,KW] with OC a multiple of {groups}");
        }

        CheckBias("conv2d", bias, weight, weight.Dim(0));
        Padding2d p = options.Padding;
        var g = new GeneralConvGeometry(
            x.Dim(0), x.Dim(1), x.Dim(2), x.Dim(3), weight.Dim(0), weight.Dim(2), weight.Dim(3),
            options.StrideHeight, options.StrideWidth, p.Top, p.Left, p.Bottom, p.Right,
            options.DilationHeight, options.DilationWidth, groups);
        if (g.Problem() is string problem)
        {
            throw new ShapeMismatchException($"conv2d: weight {Tensor.ShapeString(weight.Shape)} on input x {Tensor.ShapeString(x.Shape)} with padding ({p}): {problem}");
        }

        return g;
    }

    /// <summary>Runs the convolution of a checked geometry and records its backward on the tape.</summary>
    private static Tensor Convolve(Tensor x, Tensor weight, Tensor? bias, in GeneralConvGeometry geometry, ConvWeightCache? cache = null)
    {
        GeneralConvGeometry g = geometry;
        Tensor y = Tensor.Empty(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth);
        ReadOnlySpan<float> b = bias is null ? default : bias.Span;
        if (cache is null)
        {
            ConvKernel.Forward(g, x.Span, weight.Span, b, y.Span);
        }
        else if (cache.WinogradFor(weight, g) is { } winograd)
        {
            ConvKernel.ForwardWinograd(g, x.Span, winograd, b, y.Span);
        }
        else
        {
            ConvKernel.ForwardPacked(g, x.Span, weight.Span, cache.For(weight, g), b, y.Span);
        }

        if (Tape.ShouldRecord([x, weight, bias]))
        {
            Tensor[] inputs = bias is null ? [x, weight] : [x, weight, bias];
            Tape.Record("conv2d", y, inputs, (gy, needs, grads) =>
            {
                if (needs[0])
                {
                    Tensor gx = Tensor.Empty(x.Shape);
                    ConvKernel.BackwardData(g, gy.Span, weight.Span, gx.Span);
                    grads[0] = gx;
                }

                if (needs[1])
                {
                    Tensor gw = Tensor.Empty(weight.Shape);
                    ConvKernel.BackwardWeight(g, x.Span, gy.Span, gw.Span);
                    grads[1] = gw;
                }

                if (bias is not null && needs[2])
                {
                    Tensor gb = Tensor.Empty(bias.Shape);
                    ConvKernel.BackwardBias(gy.Span, g.Batch, g.OutChannels, g.OutSpatial, gb.Span);
                    grads[2] = gb;
                }
            });
        }

        return y;
    }

    private static void CheckConvOptions(Conv2dOptions o)
    {
        if (o.StrideHeight < 1 || o.StrideWidth < 1 || o.DilationHeight < 1 || o.DilationWidth < 1 || o.Groups < 1)
        {
            throw new InvalidInputException($"conv2d: strides ({o.StrideHeight}, {o.StrideWidth}), dilations ({o.DilationHeight}, {o.DilationWidth}) and groups ({o.Groups}) must all be at least 1");
        }

        if (!o.Padding.IsValid)
        {
            throw new InvalidInputException($"conv2d: padding ({o.Padding}) must not be negative");
        }
    }
}
