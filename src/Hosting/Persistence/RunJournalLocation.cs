using FoolingCluster.Runs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Hosting.Persistence;

/// <summary>
/// A run folder remembers where its journal is when that is not its own <c>journal.db</c>
/// (<see cref="RunFiles.JournalLocation"/>), so that resuming it against the wrong journal is
/// refused: a journal that holds nothing of the run would make the resume start again from the
/// last snapshot, silently discarding the generations merged since.
/// </summary>
public static class RunJournalLocation
{
    /// <summary>Records, for a run just started, that its journal is <paramref name="journal"/> (nothing for the folder's own).</summary>
    public static void Record(string folder, JournalStore? journal)
    {
        if (journal?.Address is string address)
        {
            AtomicFile.WriteAllText(Path.Combine(folder, RunFiles.JournalLocation), address + "\n");
        }
    }

    /// <summary>Refuses to resume <paramref name="folder"/> with <paramref name="journal"/> (null: the folder's own) when the run keeps its journal elsewhere.</summary>
    /// <exception cref="InvalidInputException">The run's journal is not the one given.</exception>
    public static void Check(string folder, JournalStore? journal)
    {
        string recordedPath = Path.Combine(folder, RunFiles.JournalLocation);
        string? recorded = File.Exists(recordedPath) ? File.ReadAllText(recordedPath).Trim() : null;
        if (recorded is { Length: > 0 } && journal is null)
        {
            throw new InvalidInputException($"{folder} keeps its journal in {recorded}: resume it with ./fooling coordinator --resume {folder} --journal {recorded} (the password, if any, in PGPASSWORD)");
        }

        if (recorded is null && journal is not null && File.Exists(Path.Combine(folder, RunFiles.Store)))
        {
            throw new InvalidInputException($"{folder} keeps its journal in its own {RunFiles.Store}, not in {journal.Description}: resume it without --journal");
        }
    }
}
