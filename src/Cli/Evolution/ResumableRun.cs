using FoolingCluster.Evolution.Runs;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Evolution;

/// <summary>
/// Whether a run folder holds a search to continue: its snapshot (<c>archive.pb</c>), or, for a
/// run stopped before its first snapshot, a journal to replay. Checked before a coordinator
/// joins its cluster or a model is loaded, so a wrong folder is said at once.
/// </summary>
internal static class ResumableRun
{
    /// <exception cref="InvalidInputException">Neither a snapshot nor a journal is there.</exception>
    public static void Require(string folder)
    {
        string snapshot = Path.Combine(folder, RunFiles.Archive);
        string journal = Path.Combine(folder, RunFiles.Journal);
        if (File.Exists(snapshot) || (File.Exists(journal) && new FileInfo(journal).Length > 0))
        {
            return;
        }

        throw new InvalidInputException($"--resume {folder}: {snapshot} does not exist (nor a {RunFiles.Journal} to replay), so there is nothing to resume; the run ended before its first snapshot: start it afresh from its configuration, {Path.Combine(folder, RunFiles.Config)}");
    }
}
