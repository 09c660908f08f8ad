namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// Converts the ONNX nodes of one op type (or one family) into steps of the engine's own ops.
/// Conversion happens at load: every attribute is checked there, so a model the importer
/// cannot run is refused before any image is classified.
/// </summary>
public interface IOnnxOp
{
    /// <summary>The op types handled, e.g. <c>Add</c>, <c>Sub</c>.</summary>
    IReadOnlyList<string> OpTypes { get; }

    /// <summary>Checks <paramref name="node"/> and adds its step (or constant) to <paramref name="graph"/>.</summary>
    /// <exception cref="OnnxFormatException">An attribute value or input the importer does not support.</exception>
    void Convert(OnnxNode node, OnnxGraphBuilder graph);
}
