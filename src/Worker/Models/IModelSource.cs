namespace FoolingCluster.Worker.Models;

/// <summary>Where a worker gets a run's target model, named by the sha256 of its weights file.</summary>
public interface IModelSource
{
    /// <summary>Path of a local weights file (with its sidecar beside it) whose sha256 is <paramref name="sha256"/>.</summary>
    /// <param name="sha256">Content hash of the weights file.</param>
    /// <param name="url">Where the coordinator serves models (<c>{url}/{sha256}</c>), if known.</param>
    /// <param name="cancel">Cancels the fetch.</param>
    /// <exception cref="FoolingCluster.Tensors.InvalidInputException">The model cannot be had or its content does not match the hash.</exception>
    ValueTask<string> FetchAsync(string sha256, string? url, CancellationToken cancel);
}
