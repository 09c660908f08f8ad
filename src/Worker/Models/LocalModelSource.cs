using FoolingCluster.Protocol;
using FoolingCluster.Tensors;

namespace FoolingCluster.Worker.Models;

/// <summary>A model file on this machine (the embedded default's workers share the coordinator's copy).</summary>
public sealed class LocalModelSource : IModelSource
{
    private readonly string _path;
    private readonly string _sha256;

    /// <summary>Serves <paramref name="path"/>, hashing it once.</summary>
    public LocalModelSource(string path)
    {
        _path = Path.GetFullPath(path);
        _sha256 = ContentHash.OfFile(_path);
    }

    /// <summary>The hash of the served file.</summary>
    public string Sha256 => _sha256;

    /// <inheritdoc/>
    public ValueTask<string> FetchAsync(string sha256, string? url, CancellationToken cancel) =>
        string.Equals(sha256, _sha256, StringComparison.OrdinalIgnoreCase)
            ? ValueTask.FromResult(_path)
            : throw new InvalidInputException($"no model with sha256 {sha256} here (this worker has {_sha256}, {_path})");
}
