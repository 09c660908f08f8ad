using FoolingCluster.Tensors;

namespace FoolingCluster.Models.Checkpoints;

/// <summary>A checkpoint file (weights sidecar) is corrupt or incomplete; the message names the file and the problem.</summary>
public sealed class CheckpointFormatException(string path, string problem, Exception? inner = null) : InvalidInputException($"{path}: {problem}", inner)
{
    /// <summary>The file at fault.</summary>
    public string Path { get; } = path;
}
