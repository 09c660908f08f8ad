namespace FoolingCluster.Tensors;

/// <summary>
/// Base of every error caused by what a user supplied (a file, a shape, an option) rather
/// than by a defect. The command line prints the message alone and exits with code 2.
/// </summary>
public class InvalidInputException(string message, Exception? inner = null) : Exception(message, inner);
