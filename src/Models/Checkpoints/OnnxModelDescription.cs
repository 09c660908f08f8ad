using System.Globalization;
using FoolingCluster.Models.Import.Onnx;

namespace FoolingCluster.Models.Checkpoints;

/// <summary>
/// What an ONNX model takes and gives, one fact a line, each saying where it came from: the
/// file's <c>fooling.*</c> metadata, the graph itself, or a default. Commands print it when
/// they load the model, so a wrong range or normalisation is seen before any work.
/// </summary>
internal static class OnnxModelDescription
{
    /// <param name="path">The file.</param>
    /// <param name="info">Its description, classes counted.</param>
    /// <param name="backend">What runs it.</param>
    /// <param name="steps">Nodes the engine runs, or null under ONNX Runtime.</param>
    public static IReadOnlyList<string> Lines(string path, OnnxModelInfo info, ModelBackend backend, int? steps)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        IReadOnlyDictionary<string, string> meta = info.Metadata;
        string runner = backend == ModelBackend.Engine
            ? string.Create(inv, $"imported into the engine, {steps} nodes")
            : "run by ONNX Runtime, forward only (no gradients)";
        string graphInput = info.InputRank == 4
            ? $"[N,{string.Join(",", info.ImageShape)}]"
            : string.Create(inv, $"[N,{info.ImageShape.Aggregate(1, (p, d) => p * d)}]");
        string shapeSource = info.InputRank == 4
            ? $"from the graph input '{info.InputName}' {graphInput}"
            : meta.ContainsKey(OnnxMetadataKeys.InputShape)
                ? $"from metadata {OnnxMetadataKeys.InputShape}; the graph input '{info.InputName}' is flat {graphInput}"
                : $"inferred from the flat graph input '{info.InputName}' {graphInput}";
        string range = string.Create(inv, $"[{info.InputRange[0]:G6},{info.InputRange[1]:G6}]");
        string rangeSource = meta.ContainsKey(OnnxMetadataKeys.InputRange)
            ? $"from metadata {OnnxMetadataKeys.InputRange}"
            : $"default; no {OnnxMetadataKeys.InputRange} metadata";
        string normalisation = info.Mean is null || info.Std is null
            ? $"none (no {OnnxMetadataKeys.Mean}/{OnnxMetadataKeys.Std} metadata; the graph gets the pixels as they are)"
            : $"mean {Numbers(info.Mean)}, std {Numbers(info.Std)} (from metadata {Present(meta, OnnxMetadataKeys.Mean, OnnxMetadataKeys.Std)}; applied before the graph)";
        string classSource = meta.ContainsKey(OnnxMetadataKeys.Classes)
            ? $"from metadata {OnnxMetadataKeys.Classes}, matching the graph's output"
            : "inferred from the graph's output [N,K]";
        string datasetSource = meta.ContainsKey(OnnxMetadataKeys.Dataset)
            ? $"from metadata {OnnxMetadataKeys.Dataset}"
            : "inferred from the input shape";
        return
        [
            string.Create(inv, $"model {path}: ONNX opset {info.Opset}, {runner}"),
            $"  input shape: [{string.Join(",", info.ImageShape)}] ({shapeSource})",
            $"  value range: {range} ({rangeSource})",
            $"  normalisation: {normalisation}",
            string.Create(inv, $"  classes: {info.Classes} ({classSource})"),
            $"  dataset: {info.Dataset} ({datasetSource})",
        ];
    }

    private static string Numbers(float[] values) =>
        string.Join(",", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)));

    private static string Present(IReadOnlyDictionary<string, string> meta, params string[] keys) =>
        string.Join(" and ", keys.Where(meta.ContainsKey));
}
