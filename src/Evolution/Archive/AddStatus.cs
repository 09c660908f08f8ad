namespace FoolingCluster.Evolution.Archive;

/// <summary>What adding one candidate did to the archive (after pyribs).</summary>
public enum AddStatus
{
    /// <summary>It beat no elite and filled no empty cell.</summary>
    NotAdded = 0,

    /// <summary>It replaced the elite of at least one cell and filled no empty cell.</summary>
    Improved = 1,

    /// <summary>It filled at least one empty cell.</summary>
    New = 2,
}
