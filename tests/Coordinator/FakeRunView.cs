using FoolingCluster.Coordinator.Http;
using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Runs;
using FoolingCluster.Tensors;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>An <see cref="IRunView"/> the tests drive by hand: publish snapshots, set workers, record commands.</summary>
internal sealed class FakeRunView : IRunView
{
    private readonly Lock _gate = new();
    private RunSnapshot _current;
    private TaskCompletionSource<RunSnapshot> _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A run of 10 cells at generation 4 with cells 0, 3 and 7 filled; the model files are written under <paramref name="folder"/>.</summary>
    public FakeRunView(string folder)
    {
        string weights = Path.Combine(folder, "model.safetensors");
        File.WriteAllBytes(weights, [1, 2, 3, 4, 5]);
        File.WriteAllText(Path.ChangeExtension(weights, ".json"), """{"architecture":"lenet"}""");
        Model = (weights, Path.ChangeExtension(weights, ".json"), new string('a', 63) + "b");
        _current = Snapshot(generation: 4, (0, 0.5f, 1), (3, 0.99998f, 4), (7, 0.9f, 2));
    }

    public RunSnapshot Current => Volatile.Read(ref _current);

    public IReadOnlyList<WorkerStatus> Workers { get; set; } = [];

    public (string WeightsPath, string SidecarPath, string Sha256) Model { get; }

    public List<string> Commands { get; } = [];

    public List<(string Name, float? AllAbove)> Exports { get; } = [];

    public Task<RunSnapshot> NextAsync(CancellationToken cancel)
    {
        lock (_gate)
        {
            return _next.Task.WaitAsync(cancel);
        }
    }

    public void Publish(RunSnapshot snapshot)
    {
        TaskCompletionSource<RunSnapshot> previous;
        lock (_gate)
        {
            Volatile.Write(ref _current, snapshot);
            previous = _next;
            _next = new TaskCompletionSource<RunSnapshot>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        previous.TrySetResult(snapshot);
    }

    public void Pause() => Command("pause");

    public void Resume() => Command("resume");

    public void Stop() => Command("stop");

    public string Export(string name, float? allAbove)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new InvalidInputException($"an export name is a plain folder name (got '{name}')");
        }

        lock (_gate)
        {
            Exports.Add((name, allAbove));
        }

        return "/exports/" + name;
    }

    /// <summary>A snapshot at <paramref name="generation"/> with the given (cell, confidence, generation found) elites; history has one record per generation.</summary>
    public static RunSnapshot Snapshot(int generation, params (int Cell, float Confidence, int Found)[] elites)
    {
        float[] confidences = new float[10];
        foreach ((int cell, float confidence, _) in elites)
        {
            confidences[cell] = confidence;
        }

        float[] sorted = [.. elites.Select(e => e.Confidence).Order()];
        var stats = new ArchiveStats(10, elites.Length, sorted.FirstOrDefault(), sorted.Length == 0 ? 0 : sorted[sorted.Length / 2], sorted.LastOrDefault(), sorted.Sum(), sorted.Count(c => c >= 0.99f), sorted.Count(c => c >= 0.9999f));
        GenerationRecord[] history = [.. Enumerable.Range(0, generation + 1).Select(g => new GenerationRecord(g, generation, 100L * (g + 1), 0.5 * (g + 1), 200, stats, confidences))];
        EliteView[] views = [.. elites.Select(e => new EliteView(e.Cell, e.Confidence, e.Found, Png(e.Cell)))];
        return new RunSnapshot("run-test", "direct", "lenet.safetensors", "running", generation, 50, 100L * (generation + 1), 200, stats, views, history);
    }

    /// <summary>A 28×28 grey PNG whose pixels are all <paramref name="cell"/>, so each cell's image differs.</summary>
    public static byte[] Png(int cell) => PngWriter.Encode(Enumerable.Repeat((byte)cell, 28 * 28).ToArray(), 28, 28, PngColor.Grey);

    private void Command(string command)
    {
        lock (_gate)
        {
            Commands.Add(command);
        }
    }
}
