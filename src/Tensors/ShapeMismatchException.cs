namespace FoolingCluster.Tensors;

/// <summary>
/// A tensor had a shape an operation cannot accept. The message names the tensor and both
/// shapes, so a user who loaded the wrong file can tell what went wrong.
/// </summary>
public sealed class ShapeMismatchException(string message) : InvalidInputException(message);
