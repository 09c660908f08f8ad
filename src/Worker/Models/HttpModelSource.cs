using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Protocol;
using FoolingCluster.Tensors;

namespace FoolingCluster.Worker.Models;

/// <summary>
/// Fetches a run's model from the coordinator's HTTP API by its sha256 and keeps it in a cache
/// folder (<c>{sha256}.safetensors</c>, or <c>{sha256}.onnx</c> for an ONNX model, and its sidecar <c>{sha256}.json</c>); a cached file is
/// used only if its content still hashes to its name, a download only if it does.
/// </summary>
/// <param name="http">Client for the downloads.</param>
/// <param name="cacheFolder">Where fetched models are kept.</param>
/// <param name="coordinatorOverride">The coordinator's base address, overriding the one jobs carry.</param>
/// <param name="log">Receives progress and retry lines.</param>
public sealed class HttpModelSource(HttpClient http, string cacheFolder, Uri? coordinatorOverride = null, Action<string>? log = null) : IModelSource
{
    /// <summary>The names a cached model may have: built-in weights or an ONNX model.</summary>
    private static readonly string[] s_extensions = [".safetensors", ".onnx"];

    /// <summary>Attempts before a download is given up (the coordinator may be restarting).</summary>
    public int Attempts { get; init; } = 8;

    /// <inheritdoc/>
    public async ValueTask<string> FetchAsync(string sha256, string? url, CancellationToken cancel)
    {
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit))
        {
            throw new InvalidInputException($"'{sha256}' is not a sha256 in hex");
        }

        sha256 = sha256.ToLowerInvariant();
        Directory.CreateDirectory(cacheFolder);
        string sidecar = Path.Combine(cacheFolder, $"{sha256}.json");
        foreach (string extension in s_extensions)
        {
            string cached = Path.ChangeExtension(sidecar, extension);
            if (File.Exists(cached) && File.Exists(sidecar) && ContentHash.OfFile(cached) == sha256)
            {
                return cached;
            }
        }

        string weights = Path.ChangeExtension(sidecar, ".safetensors");

        Uri source = Locate(sha256, url);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await DownloadAsync(new Uri(source + ".json"), sidecar, cancel).ConfigureAwait(false);
                weights = Path.ChangeExtension(sidecar, IsOnnx(sidecar) ? ".onnx" : ".safetensors");
                await DownloadAsync(source, weights, cancel).ConfigureAwait(false);
                break;
            }
            catch (HttpRequestException ex) when (attempt < Attempts)
            {
                TimeSpan wait = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt - 1)));
                log?.Invoke($"fetching model {sha256[..12]} from {source} failed ({ex.Message}); retrying in {wait.TotalSeconds:F0} s");
                await Task.Delay(wait, cancel).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw new InvalidInputException($"cannot fetch model {sha256} from {source}: {ex.Message}");
            }
        }

        string actual = ContentHash.OfFile(weights);
        if (actual != sha256)
        {
            File.Delete(weights);
            throw new InvalidInputException($"the model downloaded from {source} hashes to {actual}, not {sha256}; refused");
        }

        log?.Invoke($"fetched model {sha256[..12]} into {weights}");
        return weights;
    }

    /// <summary>
    /// Whether the sidecar says the weights are an ONNX model: it is then kept as
    /// <c>{sha256}.onnx</c>, so it loads as ONNX like the coordinator's <c>model.onnx</c>.
    /// </summary>
    private static bool IsOnnx(string sidecar) =>
        OnnxCheckpoint.IsOnnxArchitecture(ModelSidecar.Load(sidecar).Architecture);

    /// <summary><c>{base}/{sha256}</c>, the base being the override (<c>--coordinator</c>, + /api/models) or the job's model URL.</summary>
    private Uri Locate(string sha256, string? url)
    {
        string? root = coordinatorOverride is not null
            ? new Uri(coordinatorOverride, "api/models").ToString()
            : url;
        if (string.IsNullOrWhiteSpace(root) || !Uri.TryCreate(root.TrimEnd('/') + "/" + sha256, UriKind.Absolute, out Uri? uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidInputException($"no usable address to fetch model {sha256} from (job says '{url}'); start the worker with --coordinator http://HOST:PORT");
        }

        return uri;
    }

    private async Task DownloadAsync(Uri source, string destination, CancellationToken cancel)
    {
        string temporary = $"{destination}.{Guid.NewGuid():N}.tmp";
        try
        {
            using HttpResponseMessage response = await http.GetAsync(source, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            await using (FileStream file = File.Create(temporary))
            {
                await response.Content.CopyToAsync(file, cancel).ConfigureAwait(false);
            }

            File.Move(temporary, destination, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
