namespace FoolingCluster.Evolution.Archive;

/// <summary>The outcome of adding one candidate.</summary>
/// <param name="Status">The strongest effect it had.</param>
/// <param name="CellsEntered">Cells where it is now the elite.</param>
/// <param name="Improvement">Sum over those cells of its confidence minus the replaced elite's (an empty cell counts as 0).</param>
public readonly record struct AddResult(AddStatus Status, int CellsEntered, float Improvement);
