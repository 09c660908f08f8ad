namespace FoolingCluster.Tensors.Kernels;

/// <summary>
/// Where a microkernel finds the <c>Nr</c> floats of its right operand for each step of its depth
/// loop. A struct, so the microkernel is compiled once per kind of operand with the lookup inlined.
/// </summary>
internal unsafe interface IDepthRows
{
    /// <summary>The first of the <c>Nr</c> floats of depth step <paramref name="p"/>.</summary>
    float* Row(int p);
}

/// <summary>A packed micro-panel of B: step p's <c>Nr</c> floats follow step p − 1's.</summary>
internal readonly unsafe struct PanelRows : IDepthRows
{
    private readonly float* _panel;
    private readonly int _width;

    /// <param name="panel">The panel's first float.</param>
    /// <param name="width">Floats per step: the microkernel's <c>Nr</c>.</param>
    public PanelRows(float* panel, int width)
    {
        _panel = panel;
        _width = width;
    }

    /// <inheritdoc/>
    public float* Row(int p) => _panel + ((nint)p * _width);
}

/// <summary>
/// B read where it lies: step p's floats start <c>shifts[p]</c> floats after <c>origin</c>. A
/// convolution's window rows are such runs of its padded image's phase planes (<see cref="DirectConvKernel"/>).
/// </summary>
internal readonly unsafe struct ShiftedRows : IDepthRows
{
    private readonly float* _origin;
    private readonly int* _shifts;

    /// <param name="origin">Where step p's run would start with a shift of 0.</param>
    /// <param name="shifts">One shift per depth step, in floats.</param>
    public ShiftedRows(float* origin, int* shifts)
    {
        _origin = origin;
        _shifts = shifts;
    }

    /// <inheritdoc/>
    public float* Row(int p) => _origin + _shifts[p];
}
