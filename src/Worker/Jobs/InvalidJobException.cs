using FoolingCluster.Tensors;

namespace FoolingCluster.Worker.Jobs;

/// <summary>A job that cannot be run as sent; it is rejected, not retried.</summary>
public sealed class InvalidJobException(string message) : InvalidInputException(message);
