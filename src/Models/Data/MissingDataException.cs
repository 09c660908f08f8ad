using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Data;

/// <summary>
/// A data file or directory does not exist. For datasets the project fetches itself, the
/// message names the command that fetches them.
/// </summary>
public sealed class MissingDataException(string path, string message) : InvalidInputException(message)
{
    /// <summary>The file or directory that is missing.</summary>
    public string Path { get; } = path;
}
