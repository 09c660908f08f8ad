using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// An ONNX file cannot be imported: it is not a readable model, it describes an input the
/// product cannot feed, or it uses an op or attribute the importer does not support. The
/// message starts with the file's path and, for a node, names the node and its op type.
/// </summary>
public sealed class OnnxFormatException(string path, string problem, Exception? inner = null) : InvalidInputException($"{path}: {problem}", inner)
{
    /// <summary>The file at fault.</summary>
    public string Path { get; } = path;

    /// <summary>
    /// True when the file is a valid model that uses an op or attribute the importer does not
    /// cover, so ONNX Runtime could still run it; false for a file that is broken or unusable.
    /// </summary>
    public bool Unsupported { get; init; }
}
