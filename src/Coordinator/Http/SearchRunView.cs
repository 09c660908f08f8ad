using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Protocol;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Export;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Coordinator.Http;

/// <summary>
/// The view of a <see cref="SearchRun{TGenome}"/> in this process: a snapshot is built on the
/// search's thread after every generation (elites drawn and encoded as PNGs) and swapped in
/// atomically, so readers never see a half-updated archive.
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
public sealed class SearchRunView<TGenome> : IRunView
{
    private readonly SearchRun<TGenome> _search;
    private readonly RunControl _control;
    private readonly WorkerRegistry _workers;
    private readonly string _runFolder;
    private readonly string _exportRoot;
    private readonly string _model;
    private readonly IReadOnlyList<string>? _classNames;
    private readonly SnapshotFeed _feed;
    private bool _finished;

    /// <summary>Follows <paramref name="search"/>.</summary>
    /// <param name="search">The search; subscribe before it runs.</param>
    /// <param name="control">Its control.</param>
    /// <param name="workers">Its workers.</param>
    /// <param name="runFolder">Its run folder (the model copy is read from there).</param>
    /// <param name="exportRoot">Folder under which exports are written (data/fooling).</param>
    /// <param name="model">Target model description.</param>
    /// <param name="labels">The target's class names, if it has them.</param>
    public SearchRunView(SearchRun<TGenome> search, RunControl control, WorkerRegistry workers, string runFolder, string exportRoot, string model, ClassLabels? labels = null)
    {
        _classNames = labels?.Names;
        ArgumentNullException.ThrowIfNull(search);
        _search = search;
        _control = control;
        _workers = workers;
        _runFolder = runFolder;
        _exportRoot = exportRoot;
        _model = model;
        string weights = RunFiles.ModelIn(runFolder);
        Model = (weights, Models.Checkpoints.ModelCheckpoint.SidecarPath(weights), ContentHash.OfFile(weights));
        _feed = new SnapshotFeed(Build(search.History.Count > 0 ? search.History[^1].EvaluationsPerSecond : 0));
        search.GenerationCompleted += (_, record) => Publish(Build(record.EvaluationsPerSecond));
        // Control changes come from other threads: only the state changes, the archive is not read.
        control.Changed += _ => Publish(null);
    }

    /// <inheritdoc/>
    public RunSnapshot Current => _feed.Current;

    /// <inheritdoc/>
    public IReadOnlyList<WorkerStatus> Workers => _workers.Snapshot();

    /// <inheritdoc/>
    public (string WeightsPath, string SidecarPath, string Sha256) Model { get; }

    /// <inheritdoc/>
    public Task<RunSnapshot> NextAsync(CancellationToken cancel) => _feed.NextAsync(cancel);

    /// <inheritdoc/>
    public void Pause() => _control.Pause();

    /// <inheritdoc/>
    public void Resume() => _control.Resume();

    /// <inheritdoc/>
    public void Stop() => _control.Stop();

    /// <summary>Marks the run finished (called once the search returned) and publishes that.</summary>
    public void Finish()
    {
        _finished = true;
        Publish(null);
    }

    /// <inheritdoc/>
    public string Export(string name, float? allAbove)
    {
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name is "." or "..")
        {
            throw new Tensors.InvalidInputException($"an export name is a plain folder name (got '{name}')");
        }

        string folder = Path.Combine(_exportRoot, name);
        FoolingDatasetExport.Export(SavedRun.Load(_runFolder), folder, allAbove);
        return Path.GetFullPath(folder);
    }

    private string StateName() => _finished ? "finished" : _control.Stopped ? "stopped" : _control.Paused ? "paused" : "running";

    /// <summary>Swaps in <paramref name="snapshot"/> (null: the current one) with the state as of now.</summary>
    private void Publish(RunSnapshot? snapshot) => _feed.Publish(current => (snapshot ?? current) with { State = StateName() });

    private RunSnapshot Build(double evaluationsPerSecond)
    {
        EliteArchive<TGenome> archive = _search.Scheduler.Archive;
        EliteView[] elites = Views(archive.Elites, _feed?.Current.Elites);
        string state = StateName();
        return new RunSnapshot(
            _search.RunId,
            _search.Encoding.Name,
            _model,
            state,
            _search.Scheduler.NextGeneration - 1,
            _search.Config.Generations,
            archive.Evaluations,
            evaluationsPerSecond,
            archive.Stats(),
            elites,
            [.. _search.History])
        {
            ClassNames = _classNames,
        };
    }

    /// <summary>
    /// The views of <paramref name="elites"/>: those unchanged since <paramref name="previous"/>
    /// are taken from it, and only new or replaced elites are drawn and encoded, so a generation
    /// of a 1,000-cell archive costs the PNGs of the cells it changed, not 1,000.
    /// </summary>
    private EliteView[] Views(IReadOnlyList<Elite<TGenome>> elites, IReadOnlyList<EliteView>? previous)
    {
        Dictionary<int, EliteView> kept = previous?.ToDictionary(v => v.Cell) ?? [];
        Elite<TGenome>[] changed = [.. elites.Where(e => !(kept.TryGetValue(e.Cell, out EliteView? v) && v.Generation == e.Generation && v.Confidence.Equals(e.Confidence)))];
        var shape = _search.Encoding.Shape;
        foreach ((Elite<TGenome> elite, float[] image) in EliteImages.Render(changed, _search.Encoding.Decoder))
        {
            byte[] png = PngWriter.Encode(PixelQuantizer.ToInterleaved(image, shape.Channels, shape.Height, shape.Width), shape.Width, shape.Height, shape.Channels == 1 ? PngColor.Grey : PngColor.Rgb);
            kept[elite.Cell] = new EliteView(elite.Cell, elite.Confidence, elite.Generation, png);
        }

        return [.. elites.Select(e => kept[e.Cell])];
    }
}
