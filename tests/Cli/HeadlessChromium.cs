using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>A fact that drives a real browser; reported as skipped, with the reason, where no Chromium is installed.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (HeadlessChromium.ExecutablePath is null)
        {
            Skip = "no Chromium on PATH (apt-get install chromium); the dashboard's browser test needs one";
        }
    }
}

/// <summary>
/// Headless Chromium showing one page, read through the DevTools protocol: JavaScript is
/// evaluated in the live page, so a test sees what the page shows as it updates.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    private readonly Process _process;
    private readonly TempDirectory _profile;
    private readonly ClientWebSocket _socket;
    private readonly StringBuilder _stderr;
    private int _nextId;

    private HeadlessChromium(Process process, TempDirectory profile, ClientWebSocket socket, StringBuilder stderr)
    {
        _process = process;
        _profile = profile;
        _socket = socket;
        _stderr = stderr;
    }

    /// <summary>The browser on PATH; null if there is none.</summary>
    public static string? ExecutablePath { get; } = Find();

    /// <summary>Starts the browser on <paramref name="page"/> and attaches to that page.</summary>
    public static async Task<HeadlessChromium> OpenAsync(Uri page, CancellationToken cancel)
    {
        var profile = new TempDirectory();
        var start = new ProcessStartInfo(ExecutablePath ?? throw new InvalidOperationException("no Chromium on PATH"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[]
        {
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--window-size=1280,1800",
            $"--user-data-dir={profile.Path}", "--remote-debugging-port=0", page.ToString(),
        })
        {
            start.ArgumentList.Add(arg);
        }

        var stderr = new StringBuilder();
        Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start Chromium");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var socket = new ClientWebSocket();
        try
        {
            // With port 0 the browser writes the port it picked into the profile.
            string portFile = Path.Combine(profile.Path, "DevToolsActivePort");
            string[] lines = [];
            while (lines.Length < 2)
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Chromium exited with {process.ExitCode}: {Text(stderr)}");
                }

                await Task.Delay(100, cancel);
                lines = File.Exists(portFile) ? [.. File.ReadAllLines(portFile).Where(l => l.Length > 0)] : [];
            }

            using var http = new HttpClient();
            string? debuggerUrl = null;
            while (debuggerUrl is null)
            {
                using JsonDocument targets = JsonDocument.Parse(await http.GetStringAsync(new Uri($"http://127.0.0.1:{lines[0]}/json/list"), cancel));
                debuggerUrl = targets.RootElement.EnumerateArray()
                    .Where(t => t.GetProperty("type").GetString() == "page")
                    .Select(t => t.GetProperty("webSocketDebuggerUrl").GetString())
                    .FirstOrDefault();
                if (debuggerUrl is null)
                {
                    await Task.Delay(100, cancel);
                }
            }

            await socket.ConnectAsync(new Uri(debuggerUrl), cancel);
            return new HeadlessChromium(process, profile, socket, stderr);
        }
        catch
        {
            socket.Dispose();
            Stop(process);
            profile.Dispose();
            throw;
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page and returns its value (promises are awaited).</summary>
    public async Task<JsonElement> EvaluateAsync(string expression, CancellationToken cancel)
    {
        JsonElement result = await CallAsync("Runtime.evaluate", new { expression, returnByValue = true, awaitPromise = true }, cancel);
        if (result.TryGetProperty("exceptionDetails", out JsonElement exception))
        {
            throw new InvalidOperationException($"the page threw evaluating '{expression}': {exception}");
        }

        return result.GetProperty("result").TryGetProperty("value", out JsonElement value) ? value.Clone() : default;
    }

    /// <summary>Saves what the page shows, its whole height, as a PNG at <paramref name="path"/>.</summary>
    public async Task ScreenshotAsync(string path, CancellationToken cancel)
    {
        JsonElement result = await CallAsync("Page.captureScreenshot", new { format = "png", captureBeyondViewport = true }, cancel);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllBytesAsync(path, Convert.FromBase64String(result.GetProperty("data").GetString()!), cancel);
    }

    /// <summary>Sends one DevTools command and returns its result.</summary>
    private async Task<JsonElement> CallAsync(string method, object parameters, CancellationToken cancel)
    {
        int id = ++_nextId;
        string request = JsonSerializer.Serialize(new { id, method, @params = parameters });
        await _socket.SendAsync(Encoding.UTF8.GetBytes(request), WebSocketMessageType.Text, endOfMessage: true, cancel);
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            message.SetLength(0);
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, cancel);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException($"Chromium closed the DevTools connection: {Text(_stderr)}");
                }

                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            using JsonDocument reply = JsonDocument.Parse(message.ToArray());
            if (!reply.RootElement.TryGetProperty("id", out JsonElement replyId) || replyId.GetInt32() != id)
            {
                continue; // an event, or the answer to an earlier call
            }

            if (reply.RootElement.TryGetProperty("error", out JsonElement error))
            {
                throw new InvalidOperationException($"DevTools refused {method}: {error}");
            }

            return reply.RootElement.GetProperty("result").Clone();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The browser is stopped next either way.
        }

        _socket.Dispose();
        Stop(_process);
        try
        {
            _profile.Dispose();
        }
        catch (IOException)
        {
            // A helper process still closing a file in the profile; it is only a temp folder.
        }
    }

    private static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit(10_000);
        process.Dispose();
    }

    private static string Text(StringBuilder stderr)
    {
        lock (stderr)
        {
            return stderr.ToString();
        }
    }

    private static string? Find()
    {
        string[] folders = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return Names.SelectMany(name => folders.Select(folder => Path.Combine(folder, name))).FirstOrDefault(File.Exists);
    }
}
