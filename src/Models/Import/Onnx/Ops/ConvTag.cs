using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Import.Onnx.Ops;

/// <summary>A convolution with constant weights, as a later fusion needs it.</summary>
/// <param name="Input">The value the convolution reads.</param>
/// <param name="Weight">Its weight <c>[OC,C/G,KH,KW]</c>.</param>
/// <param name="Bias">Its bias <c>[OC]</c>, or null.</param>
/// <param name="Run">The convolution with the node's attributes, for any weight and bias: (x, w, b) → y.</param>
internal sealed record ConvTag(string Input, Tensor Weight, Tensor? Bias, Func<Tensor, Tensor, Tensor?, Tensor> Run);
