namespace FoolingCluster.Evolution.Genomes.Cppn;

/// <summary>A weighted edge from node <paramref name="From"/> to node <paramref name="To"/>.</summary>
/// <param name="From">Source node id (input, bias or hidden).</param>
/// <param name="To">Target node id (hidden or output).</param>
/// <param name="Weight">In [−10, 10] in the reference settings.</param>
public readonly record struct CppnConnection(int From, int To, float Weight);
