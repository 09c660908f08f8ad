namespace FoolingCluster.Tensors.Ops;

/// <summary>How <see cref="Functional.Pad"/> fills the new border (ONNX <c>Pad</c>'s <c>mode</c>).</summary>
public enum PadMode
{
    /// <summary>A constant value (ONNX <c>constant</c>, the default).</summary>
    Constant,

    /// <summary>The input mirrored without repeating the edge (ONNX <c>reflect</c>); not supported.</summary>
    Reflect,

    /// <summary>The edge value repeated (ONNX <c>edge</c>); not supported.</summary>
    Edge,

    /// <summary>The input repeated cyclically (ONNX <c>wrap</c>); not supported.</summary>
    Wrap,
}
