namespace FoolingCluster.Tensors.Serialization;

/// <summary>
/// A safetensors file could not be read: it is truncated, its header is not valid JSON or
/// breaks the format, or it lacks a tensor the caller needs. The message names the file and
/// the problem.
/// </summary>
public sealed class SafeTensorsFormatException(string message, Exception? inner = null) : InvalidInputException(message, inner);
