namespace FoolingCluster.Runs;

/// <summary>An image the search saw at or above the record threshold.</summary>
/// <param name="Label">Its top class.</param>
/// <param name="Confidence">Probability of that class.</param>
/// <param name="Generation">Generation that produced it.</param>
/// <param name="Pixels">8-bit pixels, planar <c>[C,H,W]</c>.</param>
public sealed record FoundImage(int Label, float Confidence, int Generation, byte[] Pixels);
