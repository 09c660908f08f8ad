namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// The padded, column-phased copy of one plane <c>[H,W]</c> that <see cref="DepthwiseConvKernel"/>
/// and <see cref="WindowPoolKernel"/> read: <c>sw</c> phases of <c>[H + pt + pb, Wq]</c> with
/// <c>Wq = ⌈(W + pl + pr) / sw⌉</c>, <c>phase[r][i, q] = xpad[i, q·sw + r]</c>, so the inputs one
/// kernel tap reads for consecutive output columns are consecutive floats whatever the stride.
/// </summary>
internal readonly struct PhasedPlane
{
    private readonly int _height;
    private readonly int _width;
    private readonly int _padTop;
    private readonly int _padLeft;
    private readonly int _strideWidth;
    private readonly int _paddedHeight;

    public PhasedPlane(in GeneralConvGeometry g)
    {
        _height = g.Height;
        _width = g.Width;
        _padTop = g.PadTop;
        _padLeft = g.PadLeft;
        _strideWidth = g.StrideWidth;
        _paddedHeight = g.Height + g.PadTop + g.PadBottom;
        PhaseWidth = (g.Width + g.PadLeft + g.PadRight + g.StrideWidth - 1) / g.StrideWidth;
    }

    /// <summary>Wq, floats in one phase row.</summary>
    public int PhaseWidth { get; }

    /// <summary>Floats in the whole buffer.</summary>
    public int Size => _strideWidth * _paddedHeight * PhaseWidth;

    /// <summary>Where tap <c>(ki,kj)</c> reads output pixel (0,0): phase, row and column folded into one offset.</summary>
    public int[] TapOffsets(in GeneralConvGeometry g)
    {
        int[] offsets = new int[g.KernelHeight * g.KernelWidth];
        int phaseSize = _paddedHeight * PhaseWidth;
        for (int ki = 0, t = 0; ki < g.KernelHeight; ki++)
        {
            for (int kj = 0; kj < g.KernelWidth; kj++, t++)
            {
                int column = kj * g.DilationWidth;
                offsets[t] = ((column % _strideWidth) * phaseSize) + (ki * g.DilationHeight * PhaseWidth) + (column / _strideWidth);
            }
        }

        return offsets;
    }

    /// <summary>Copies plane <c>[H,W]</c> into the buffer, <paramref name="padding"/> everywhere else.</summary>
    public void Fill(ReadOnlySpan<float> plane, float[] buffer, float padding)
    {
        Span<float> all = buffer.AsSpan(0, Size);
        all.Fill(padding);
        int phaseSize = _paddedHeight * PhaseWidth;
        for (int ih = 0; ih < _height; ih++)
        {
            ReadOnlySpan<float> source = plane.Slice(ih * _width, _width);
            int rowStart = (ih + _padTop) * PhaseWidth;
            if (_strideWidth == 1)
            {
                source.CopyTo(all.Slice(rowStart + _padLeft, _width));
                continue;
            }

            // One phase at a time: its columns are every sw-th input, stored side by side.
            for (int r = 0; r < _strideWidth; r++)
            {
                (int firstInput, int firstSlot) = FirstOfPhase(r);
                Span<float> target = all.Slice((r * phaseSize) + rowStart);
                for (int iw = firstInput, q = firstSlot; iw < _width; iw += _strideWidth, q++)
                {
                    target[q] = source[iw];
                }
            }
        }
    }

    /// <summary>The adjoint of <see cref="Fill"/>: writes the buffer's in-image entries to plane <c>[H,W]</c>, dropping the padding.</summary>
    public void Drain(float[] buffer, Span<float> plane)
    {
        ReadOnlySpan<float> all = buffer.AsSpan(0, Size);
        int phaseSize = _paddedHeight * PhaseWidth;
        for (int ih = 0; ih < _height; ih++)
        {
            Span<float> target = plane.Slice(ih * _width, _width);
            int rowStart = (ih + _padTop) * PhaseWidth;
            if (_strideWidth == 1)
            {
                all.Slice(rowStart + _padLeft, _width).CopyTo(target);
                continue;
            }

            for (int r = 0; r < _strideWidth; r++)
            {
                (int firstInput, int firstSlot) = FirstOfPhase(r);
                ReadOnlySpan<float> source = all.Slice((r * phaseSize) + rowStart);
                for (int iw = firstInput, q = firstSlot; iw < _width; iw += _strideWidth, q++)
                {
                    target[iw] = source[q];
                }
            }
        }
    }

    /// <summary>
    /// The first input column of phase r (padded column <c>iw + pl ≡ r mod sw</c>) and its slot
    /// in the phase row.
    /// </summary>
    private (int Input, int Slot) FirstOfPhase(int r)
    {
        int column = _padLeft + ((r - (_padLeft % _strideWidth) + _strideWidth) % _strideWidth);
        return (column - _padLeft, column / _strideWidth);
    }
}
