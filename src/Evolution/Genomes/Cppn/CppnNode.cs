namespace FoolingCluster.Evolution.Genomes.Cppn;

/// <summary>A CPPN node. Inputs and the bias ignore <paramref name="Activation"/>.</summary>
/// <param name="Id">Unique within its genome; inputs x, y, d are 0, 1, 2, the bias 3, outputs 4, 5, ….</param>
/// <param name="Kind">Role.</param>
/// <param name="Activation">Applied to the weighted sum of the node's inputs.</param>
public readonly record struct CppnNode(int Id, CppnNodeKind Kind, CppnActivation Activation);
