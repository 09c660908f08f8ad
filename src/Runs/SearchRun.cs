using System.Diagnostics;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs.Codecs;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Runs;

/// <summary>How a call to <see cref="SearchRun{TGenome}.Run"/> ended.</summary>
/// <param name="LastGeneration">Last generation completed (−1 if none).</param>
/// <param name="Stopped">Whether it was cancelled before reaching the configured generations.</param>
/// <param name="SearchSeconds">Search time of the whole run, including earlier sessions of a resumed run.</param>
public sealed record SearchOutcome(int LastGeneration, bool Stopped, double SearchSeconds);

/// <summary>
/// A fooling-image search in a run folder: ask, evaluate, tell, generation after generation,
/// keeping every merged generation in the run's store (<see cref="IRunStore"/>) and appending
/// <c>history.csv</c> and <c>found.bin</c> as it goes; every few generations and at the end it
/// stores a snapshot and rewrites <c>archive.pb</c> (the same snapshot, for the commands that
/// read a run folder) and the pictures. Cancelling stops between generations and still writes
/// everything, so a run can be continued with <see cref="Resume"/>.
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
public sealed class SearchRun<TGenome> : IDisposable
{
    private readonly string _folder;
    private readonly EvolutionConfig _config;
    private readonly IEncoding<TGenome> _encoding;
    private readonly IGenerationEvaluator<TGenome> _evaluator;
    private readonly int _classes;
    private readonly FoundImageLog _found;
    private readonly IRunStore _store;
    private readonly List<GenerationRecord> _history;
    private readonly ClassLabels _labels;
    private double _searchSeconds;

    private SearchRun(string folder, string runId, EvolutionConfig config, IEncoding<TGenome> encoding, IGenerationEvaluator<TGenome> evaluator, int classes, Scheduler<TGenome> scheduler, List<GenerationRecord> history, double searchSeconds, IRunStore store, Action<string>? warn)
    {
        _store = store;
        _folder = folder;

        // The run folder holds its model's copy by now, so history.csv names the cells as the report does.
        _labels = ClassLabels.ForRun(folder);
        RunId = runId;
        _config = config;
        _encoding = encoding;
        _evaluator = evaluator;
        _classes = classes;
        Scheduler = scheduler;
        _history = history;
        _searchSeconds = searchSeconds;
        _found = FoundImageLog.Open(Path.Combine(folder, RunFiles.Found), encoding.Shape, warn);
    }

    /// <summary>The run's id (its folder name).</summary>
    public string RunId { get; }

    /// <summary>The scheduler and, through it, the archive.</summary>
    public Scheduler<TGenome> Scheduler { get; }

    /// <summary>Every generation recorded so far, including those of earlier sessions.</summary>
    public IReadOnlyList<GenerationRecord> History => _history;

    /// <summary>Distinct images recorded at or above the record threshold.</summary>
    public int FoundCount => _found.Count;

    /// <summary>The search's configuration.</summary>
    public EvolutionConfig Config => _config;

    /// <summary>Whether the stored run was stopped on purpose (Ctrl-C, SIGTERM, the dashboard's stop) when it was resumed: its last stored state is a snapshot that says so.</summary>
    public bool WasStoppedOnPurpose { get; private init; }

    /// <summary>The genomes' encoding.</summary>
    public IEncoding<TGenome> Encoding => _encoding;

    /// <summary>Called after outputs are rewritten (snapshot, pictures, report); the run folder is its argument.</summary>
    public Action<SearchRun<TGenome>, string>? OutputsWriter { get; init; }

    /// <summary>Starts a fresh search in the existing, empty-of-results <paramref name="folder"/>.</summary>
    /// <param name="folder">The run folder.</param>
    /// <param name="config">The search's configuration.</param>
    /// <param name="encoding">The genomes' encoding.</param>
    /// <param name="evaluator">Where generations are evaluated: here, or on workers.</param>
    /// <param name="classes">Cells of the archive: the classifier's classes.</param>
    /// <param name="store">Where the run's generations and snapshots are kept; empty.</param>
    /// <param name="outputsWriter">Writes pictures and report at each snapshot.</param>
    /// <exception cref="Models.Data.DataFormatException">The store already holds a run with this folder's id.</exception>
    public static SearchRun<TGenome> Start(string folder, EvolutionConfig config, IEncoding<TGenome> encoding, IGenerationEvaluator<TGenome> evaluator, int classes, IRunStore store, Action<SearchRun<TGenome>, string>? outputsWriter = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(evaluator);
        string runId = Path.GetFileName(Path.GetFullPath(folder));

        // Reading the store back proves it answers before anything is searched, and a journal
        // shared by several machines could hold a run started in the same second under the
        // same name, whose generations this one's would otherwise interleave with.
        if (!store.Load().IsEmpty)
        {
            throw new Models.Data.DataFormatException(store.Description, $"it already holds a run with id {runId}; start the run again for a new id");
        }

        var archive = new EliteArchive<TGenome>(classes);
        var scheduler = new Scheduler<TGenome>(archive, encoding.Variation, config.InitialPopulation, config.BatchSize, new DeterministicRandom(config.Seed));
        File.Delete(Path.Combine(folder, RunFiles.History));
        File.Delete(Path.Combine(folder, RunFiles.Found));
        return new SearchRun<TGenome>(folder, runId, config, encoding, evaluator, classes, scheduler, [], 0, store, warn: null) { OutputsWriter = outputsWriter };
    }

    /// <summary>
    /// Continues the search kept in <paramref name="store"/>: its last snapshot and the
    /// generations merged after it. A run folder from before the store (its state in
    /// <c>archive.pb</c> and <c>journal.bin</c>) is read from those files and moved into the store;
    /// a torn or damaged tail of <c>journal.bin</c> or <c>found.bin</c> is cut off, the intact
    /// records before it kept, after telling <paramref name="warn"/>.
    /// </summary>
    /// <exception cref="Models.Data.DataFormatException">There is nothing to resume, or the stored state does not fit the configuration.</exception>
    /// <param name="startIfEmpty">When nothing was stored yet, start the search from its seed instead of refusing: a standby coordinator taking over a run whose first generation was not merged.</param>
    public static SearchRun<TGenome> Resume(string folder, EvolutionConfig config, IEncoding<TGenome> encoding, IGenerationEvaluator<TGenome> evaluator, int classes, IRunStore store, Action<SearchRun<TGenome>, string>? outputsWriter = null, Action<string>? warn = null, bool startIfEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(evaluator);
        ArgumentNullException.ThrowIfNull(store);
        string runId = Path.GetFileName(Path.GetFullPath(folder));
        StoredRun stored = store.Load();
        bool fromFiles = stored.IsEmpty;
        RestoredSearch<TGenome> restored = fromFiles
            ? RestoreFromFiles(folder, runId, config, encoding, classes, warn, startIfEmpty)
            : RestoreFromStore(stored, store.Description, runId, config, encoding, classes);
        var scheduler = new Scheduler<TGenome>(restored.Archive, encoding.Variation, config.InitialPopulation, config.BatchSize, restored.Random, restored.NextGeneration);
        string historyPath = Path.Combine(folder, RunFiles.History);
        ClassLabels labels = ClassLabels.ForRun(folder);

        // Only a folder behind its journal (a standby's copy) needs every generation read back,
        // which for a long run with many found images is a lot to hold.
        List<GenerationRecord> written = HistoryCsv.Read(historyPath, config.Generations);
        int historyEnd = written.Count > 0 ? written[^1].Generation + 1 : 0;
        IReadOnlyList<JournalRecordMessage> journaled = !fromFiles && historyEnd < restored.NextGeneration ? store.LoadEveryGeneration() : [];
        RunFolderCatchUp.History(historyPath, journaled, historyEnd, restored.NextGeneration, classes, labels, config.Generations, warn);
        HistoryCsv.Truncate(historyPath, restored.NextGeneration, classes, config.Generations, labels);
        List<GenerationRecord> history = HistoryCsv.Read(historyPath, config.Generations);
        var run = new SearchRun<TGenome>(folder, restored.RunId, config, encoding, evaluator, classes, scheduler, history, restored.SearchSeconds, store, warn) { OutputsWriter = outputsWriter, WasStoppedOnPurpose = stored.Snapshot is { Stopped: true } && stored.Generations.Count == 0 };
        RunFolderCatchUp.Found(run._found, journaled, encoding.Shape);
        if (fromFiles)
        {
            // The store holds the search from now on; the old journal's records are in this snapshot.
            store.SaveSnapshot(ArchiveSnapshot.ToMessage(restored.RunId, encoding, scheduler, restored.SearchSeconds));
            File.Delete(Path.Combine(folder, RunFiles.Journal));
        }

        return run;
    }

    private static RestoredSearch<TGenome> RestoreFromStore(StoredRun stored, string source, string runId, EvolutionConfig config, IEncoding<TGenome> encoding, int cells)
    {
        RestoredSearch<TGenome> restored = stored.Snapshot is null
            ? new RestoredSearch<TGenome>(runId, new EliteArchive<TGenome>(cells), new DeterministicRandom(config.Seed), 0, 0)
            : ArchiveSnapshot.FromMessage(stored.Snapshot, encoding, cells, source);
        foreach (JournalRecordMessage record in stored.Generations)
        {
            if (record.NextGeneration > restored.NextGeneration)
            {
                restored = ArchiveJournal.Apply(restored, record, encoding, source);
            }
        }

        return restored;
    }

    private static RestoredSearch<TGenome> RestoreFromFiles(string folder, string runId, EvolutionConfig config, IEncoding<TGenome> encoding, int cells, Action<string>? warn, bool startIfEmpty)
    {
        string snapshot = Path.Combine(folder, RunFiles.Archive);
        string journal = Path.Combine(folder, RunFiles.Journal);

        // A run killed before its first snapshot still has its journal: replay it from the start.
        // With neither, nothing was merged yet: a standby taking over such a run starts it from
        // its seed; a resume is refused, naming the missing snapshot.
        bool hasJournal = File.Exists(journal) && new FileInfo(journal).Length > 0;
        RestoredSearch<TGenome> restored = !File.Exists(snapshot) && (hasJournal || startIfEmpty)
            ? new RestoredSearch<TGenome>(runId, new EliteArchive<TGenome>(cells), new DeterministicRandom(config.Seed), 0, 0)
            : ArchiveSnapshot.Load(snapshot, encoding, cells);
        if (!hasJournal)
        {
            return restored;
        }

        return ArchiveJournal.Replay(journal, restored, encoding, warn).Search;
    }

    /// <summary>Called on the search's thread after every generation, once its record is written.</summary>
    public event Action<SearchRun<TGenome>, GenerationRecord>? GenerationCompleted;

    /// <summary>Runs generations until the configured last one or until <paramref name="cancel"/> fires.</summary>
    /// <param name="progress">Receives every generation's record.</param>
    /// <param name="cancel">Stops the search between generations; outputs are still written.</param>
    /// <param name="control">Pause, resume and stop from elsewhere (a dashboard); optional.</param>
    public SearchOutcome Run(IProgress<GenerationRecord>? progress, CancellationToken cancel, RunControl? control = null)
    {
        using var stopOrCancel = CancellationTokenSource.CreateLinkedTokenSource(cancel, control?.StopToken ?? CancellationToken.None);
        cancel = stopOrCancel.Token;
        bool stopped = false;
        int sinceSnapshot = 0;
        while (Scheduler.NextGeneration <= _config.Generations)
        {
            control?.WaitWhilePaused(cancel);
            if (cancel.IsCancellationRequested)
            {
                stopped = true;
                break;
            }

            GenerationRecord record;
            try
            {
                record = Step(cancel);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                Scheduler.AbandonPending();
                stopped = true;
                break;
            }

            progress?.Report(record);
            GenerationCompleted?.Invoke(this, record);
            if (++sinceSnapshot >= _config.SnapshotEvery)
            {
                WriteOutputs();
                sinceSnapshot = 0;
            }
        }

        WriteOutputs(stoppedOnPurpose: stopped);
        return new SearchOutcome(Scheduler.NextGeneration - 1, stopped, _searchSeconds);
    }

    /// <summary>Rewrites the snapshot, then the pictures and report.</summary>
    /// <param name="stoppedOnPurpose">Whether the run stops here on purpose, which the snapshot records so that a standby coordinator does not carry it on.</param>
    public void WriteOutputs(bool stoppedOnPurpose = false)
    {
        _found.Flush();
        ArchiveSnapshotMessage snapshot = ArchiveSnapshot.ToMessage(RunId, _encoding, Scheduler, _searchSeconds);
        snapshot.Stopped = stoppedOnPurpose;
        _store.SaveSnapshot(snapshot);
        ArchiveSnapshot.Save(Path.Combine(_folder, RunFiles.Archive), snapshot);
        OutputsWriter?.Invoke(this, _folder);
    }

    /// <inheritdoc/>
    public void Dispose() => _found.Dispose();

    /// <summary>One generation, evaluated wherever the evaluator evaluates; records what reached the threshold.</summary>
    private GenerationRecord Step(CancellationToken cancel)
    {
        long start = Stopwatch.GetTimestamp();
        int generation = Scheduler.NextGeneration;
        long[] idsBefore = ElitesIds();
        GenerationResult result = _evaluator.RunGeneration(Scheduler, _config.RecordThreshold, cancel);
        List<FoundImage> firstSeen = result.Found.Where(_found.Add).ToList();

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        _searchSeconds += seconds;

        EliteArchive<TGenome> archive = Scheduler.Archive;
        long[] idsAfter = ElitesIds();
        float[] cells = Enumerable.Range(0, archive.Cells).Select(c => archive[c]?.Confidence ?? 0f).ToArray();
        var record = new GenerationRecord(generation, _config.Generations, archive.Evaluations, _searchSeconds, result.Evaluations / Math.Max(seconds, 1e-9), archive.Stats(), cells);
        _history.Add(record);

        // History first, store second: a crash between the two leaves a history row the
        // store does not cover, which resuming drops and redoes, never a stored generation
        // without its row.
        HistoryCsv.Append(Path.Combine(_folder, RunFiles.History), [record], archive.Cells, _labels);
        _found.Flush();
        JournalRecordMessage stored = ArchiveJournal.Record(RunId, _encoding, Scheduler, Enumerable.Range(0, archive.Cells).Where(c => idsAfter[c] != idsBefore[c]).Select(c => archive[c]!), _searchSeconds);

        // The run folder's additions travel in the journal too, so a standby coordinator whose
        // folder stopped at the run's start rebuilds history.csv and found.bin from it.
        stored.HistoryRow = HistoryCsv.Row(record);
        stored.Found.AddRange(firstSeen.Select(FoundImageCodec.ToMessage));
        _store.AppendGeneration(stored);
        return record;
    }

    /// <summary>The evaluation id of every cell's elite (−1 where empty): a changed id is a changed elite.</summary>
    private long[] ElitesIds() => Enumerable.Range(0, Scheduler.Archive.Cells).Select(c => Scheduler.Archive[c]?.Id ?? -1).ToArray();
}
