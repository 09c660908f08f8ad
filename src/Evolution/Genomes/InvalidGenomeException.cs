using FoolingCluster.Tensors;

namespace FoolingCluster.Evolution.Genomes;

/// <summary>A genome that breaks a structural invariant, e.g. one received from another machine.</summary>
public sealed class InvalidGenomeException(string message) : InvalidInputException(message);
