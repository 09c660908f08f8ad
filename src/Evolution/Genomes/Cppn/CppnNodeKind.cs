namespace FoolingCluster.Evolution.Genomes.Cppn;

/// <summary>The role of a CPPN node.</summary>
public enum CppnNodeKind : byte
{
    /// <summary>One of the coordinate inputs x, y, d; carries no activation.</summary>
    Input = 0,

    /// <summary>The constant input 1.0.</summary>
    Bias = 1,

    /// <summary>A channel of the drawn image (grey, or H, S, V).</summary>
    Output = 2,

    /// <summary>A node added by mutation.</summary>
    Hidden = 3,
}
