namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// An int64 tensor known at load: a shape constant, or shape arithmetic folded at load
/// (<c>Shape → Gather → Unsqueeze → Concat</c>). An element marked <see cref="PerBatch"/> is the
/// batch size N times its value, so <c>x.view(x.size(0), -1)</c> folds to <c>[1·N, −1]</c>.
/// </summary>
/// <param name="Values">Row-major elements; a per-batch element holds its value at batch 1.</param>
/// <param name="Dims">Dimensions, e.g. <c>[2]</c> for a shape of rank 2, <c>[]</c> for a scalar.</param>
/// <param name="PerBatch">Which elements scale with the batch size, or null when none does.</param>
public sealed record OnnxInt64Value(long[] Values, int[] Dims, bool[]? PerBatch = null)
{
    /// <summary>Whether any element depends on the batch size.</summary>
    public bool DependsOnBatch => PerBatch is not null && PerBatch.Any(b => b);

    /// <summary>Whether element <paramref name="i"/> scales with the batch size.</summary>
    public bool IsPerBatch(int i) => PerBatch is not null && PerBatch[i];

    /// <summary>The elements at batch size <paramref name="batch"/>.</summary>
    public long[] At(long batch) => [.. Values.Select((v, i) => IsPerBatch(i) ? v * batch : v)];

    /// <summary>Elements for messages, a per-batch one written <c>N</c> or <c>kN</c>, e.g. <c>[N,-1]</c>.</summary>
    public override string ToString() =>
        "[" + string.Join(",", Values.Select((v, i) => !IsPerBatch(i) ? $"{v}" : v == 1 ? "N" : $"{v}N")) + "]";
}
