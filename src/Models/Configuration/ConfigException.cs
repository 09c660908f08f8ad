using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Configuration;

/// <summary>A run configuration file is unreadable, has an unknown key or a value of the wrong type.</summary>
public sealed class ConfigException(string path, string problem) : InvalidInputException($"{path}: {problem}")
{
    /// <summary>The configuration file.</summary>
    public string Path { get; } = path;
}
