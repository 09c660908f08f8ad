namespace FoolingCluster.Tensors.Ops;

/// <summary>How a loss combines per-element (or per-sample) values, as PyTorch's <c>reduction</c>.</summary>
public enum Reduction
{
    /// <summary>Keep every value.</summary>
    None,

    /// <summary>Average over the values.</summary>
    Mean,

    /// <summary>Add up the values.</summary>
    Sum,
}
