namespace FoolingCluster.Tensors.Ops;

/// <summary>
/// Zeros (or a constant) added around the last two axes of <c>[…,H,W]</c>, in ONNX's order for
/// 2-D <c>pads</c>: <c>[top, left, bottom, right]</c> (that is <c>[H_begin, W_begin, H_end, W_end]</c>).
/// </summary>
/// <param name="Top">Rows added above, at least 0.</param>
/// <param name="Left">Columns added on the left, at least 0.</param>
/// <param name="Bottom">Rows added below, at least 0.</param>
/// <param name="Right">Columns added on the right, at least 0.</param>
public readonly record struct Padding2d(int Top, int Left, int Bottom, int Right)
{
    /// <summary>The same padding on every side (PyTorch's integer <c>padding</c>).</summary>
    public static Padding2d Uniform(int padding) => new(padding, padding, padding, padding);

    /// <summary>
    /// From ONNX's 2-D <c>pads</c> attribute <c>[top, left, bottom, right]</c>; an empty list
    /// (the attribute absent) is no padding.
    /// </summary>
    /// <exception cref="InvalidInputException">The list does not have 0 or 4 entries.</exception>
    public static Padding2d FromOnnx(IReadOnlyList<long> pads)
    {
        if (pads.Count == 0)
        {
            return default;
        }

        if (pads.Count != 4)
        {
            throw new InvalidInputException($"pads has {pads.Count} entries but a 2-D operator needs 4: [top, left, bottom, right]");
        }

        return new(checked((int)pads[0]), checked((int)pads[1]), checked((int)pads[2]), checked((int)pads[3]));
    }

    /// <summary>Whether no side is negative.</summary>
    public bool IsValid => Top >= 0 && Left >= 0 && Bottom >= 0 && Right >= 0;

    /// <summary>E.g. <c>top 1, left 0, bottom 2, right 0</c>.</summary>
    public override string ToString() => $"top {Top}, left {Left}, bottom {Bottom}, right {Right}";
}
