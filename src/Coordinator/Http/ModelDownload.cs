using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace FoolingCluster.Coordinator.Http;

/// <summary>
/// <c>GET /api/models/{sha256}</c> and <c>/api/models/{sha256}.json</c>: a model's weights and
/// sidecar for workers, found by content hash; 404 for any other hash. Workers verify the hash
/// of what they download, so the route needs no token.
/// </summary>
internal static class ModelDownload
{
    /// <summary>The route, with its one parameter.</summary>
    public const string Route = "/api/models/{file}";

    /// <summary>Answers one request for <paramref name="model"/>'s files.</summary>
    public static Task Serve(HttpContext context, (string WeightsPath, string SidecarPath, string Sha256) model)
    {
        string file = context.Request.RouteValues["file"] as string ?? string.Empty;
        bool sidecar = file.EndsWith(".json", StringComparison.OrdinalIgnoreCase);
        string hash = sidecar ? file[..^".json".Length] : file;
        if (!hash.Equals(model.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            return NotFound(context, $"no model with sha256 {hash} here");
        }

        string path = Path.GetFullPath(sidecar ? model.SidecarPath : model.WeightsPath);
        if (!File.Exists(path))
        {
            return NotFound(context, $"the model file {Path.GetFileName(path)} is missing");
        }

        var tag = new EntityTagHeaderValue($"\"{model.Sha256}{(sidecar ? "-sidecar" : string.Empty)}\"");
        return Results.File(path, sidecar ? "application/json" : "application/octet-stream", entityTag: tag).ExecuteAsync(context);
    }

    private static Task NotFound(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return context.Response.WriteAsJsonAsync(new { error = message }, DashboardJson.Options, context.RequestAborted);
    }
}
