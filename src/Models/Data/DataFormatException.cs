using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Data;

/// <summary>
/// A data file exists but its contents are wrong: a bad magic number, a truncated body,
/// images and labels that disagree. The message starts with the file's path.
/// </summary>
public sealed class DataFormatException(string path, string problem) : InvalidInputException($"{path}: {problem}")
{
    /// <summary>The file at fault.</summary>
    public string Path { get; } = path;
}
