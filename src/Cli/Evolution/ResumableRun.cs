using FoolingCluster.Runs;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Evolution;

/// <summary>
/// Whether a run folder holds a search to continue: its store (<c>journal.db</c>), or, in a run
/// folder from before the store, a snapshot (<c>archive.pb</c>) or a journal to replay. Checked
/// before a coordinator starts its cluster node or a model is loaded, so a wrong folder is said at once.
/// </summary>
internal static class ResumableRun
{
    /// <exception cref="InvalidInputException">Neither a store, a snapshot nor a journal is there.</exception>
    public static void Require(string folder)
    {
        string snapshot = Path.Combine(folder, RunFiles.Archive);
        string journal = Path.Combine(folder, RunFiles.Journal);
        string store = Path.Combine(folder, RunFiles.Store);
        if (File.Exists(store) || File.Exists(snapshot) || (File.Exists(journal) && new FileInfo(journal).Length > 0))
        {
            return;
        }

        throw new InvalidInputException($"--resume {folder}: {snapshot} does not exist (nor a {RunFiles.Journal} to replay), so there is nothing to resume; the run ended before its first snapshot: start it afresh from its configuration, {Path.Combine(folder, RunFiles.Config)}");
    }
}
