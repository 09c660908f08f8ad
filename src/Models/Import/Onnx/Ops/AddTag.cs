using FoolingCluster.Tensors.Ops;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>An <c>Add</c>'s operands, as a ReLU after it needs them to fuse (<see cref="Functional.AddRelu"/>).</summary>
/// <param name="Left">The first operand's value name.</param>
/// <param name="Right">The second operand's value name.</param>
internal sealed record AddTag(string? Left, string? Right);
