using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>One converted node: which values it reads, which it writes, and the engine ops that compute it.</summary>
/// <param name="Node">The node's name, for messages.</param>
/// <param name="OpType">The node's op type, for messages.</param>
/// <param name="Inputs">Value names read, in order; null for an omitted optional input.</param>
/// <param name="Output">Value name written.</param>
/// <param name="Run">Computes the output from the inputs (null where omitted) with ops that record on the tape.</param>
internal sealed record OnnxStep(string Node, string OpType, string?[] Inputs, string Output, Func<Tensor?[], Tensor> Run);
