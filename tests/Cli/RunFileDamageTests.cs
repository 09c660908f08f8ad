using System.Globalization;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// <c>fooling export</c> and <c>fooling run --resume</c> on a run folder whose files were
/// damaged on disk or cut short by a crash: each keeps what is intact, says what it dropped,
/// and refuses only what it cannot use.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class RunFileDamageTests(TargetModelFixture target)
{
    private const int Header = 20;
    private const int Record = 8 + 12 + 784;

    [Fact]
    public void Export_keeps_the_intact_found_images_of_a_damaged_or_cut_log_and_says_what_it_skipped()
    {
        using var scratch = new TempDirectory();
        string run = SmallRun(scratch);
        int records = Records(run);

        // A flipped byte in the label of a middle record.
        string flipped = Copy(run, scratch.File("flipped"));
        int bad = records / 2;
        Flip(Path.Combine(flipped, RunFiles.Found), Header + (bad * Record) + 8);
        (int exit, string output, string err) = RunTestSupport.Fooling("export", flipped, "--out", scratch.File("export/flipped"), "--all-above", "0.5");
        Assert.True(exit == 0, err);
        Assert.Contains($"warning: {Path.Combine(flipped, RunFiles.Found)}: record {Number(bad + 1)} at byte {Number(Header + (bad * Record))} is damaged (checksum mismatch); kept {Number(bad)} record", err);
        Assert.True(FoundRows(scratch.File("export/flipped")) <= bad, $"more found images exported than the {bad} intact records");
        Assert.Contains("wrote", output);

        // Cut in the middle of the last record, as a kill leaves it.
        string cut = Copy(run, scratch.File("cut"));
        using (var stream = new FileStream(Path.Combine(cut, RunFiles.Found), FileMode.Open))
        {
            stream.SetLength(stream.Length - 100);
        }

        (exit, _, err) = RunTestSupport.Fooling("export", cut, "--out", scratch.File("export/cut"), "--all-above", "0.5");
        Assert.True(exit == 0, err);
        Assert.Contains($"record {Number(records)} at byte {Number(Header + ((records - 1) * Record))} is incomplete", err);
    }

    [Fact]
    public void Export_skips_found_images_of_a_class_the_model_lacks_instead_of_crashing_half_way()
    {
        using var scratch = new TempDirectory();
        string run = SmallRun(scratch);
        int records = Records(run);
        using (FoundImageLog log = FoundImageLog.Open(Path.Combine(run, RunFiles.Found), ImageShape.Mnist))
        {
            Assert.True(log.Add(new float[784], label: 12, confidence: 0.99f, generation: 3));
        }

        string output = scratch.File("export");
        (int exit, _, string err) = RunTestSupport.Fooling("export", run, "--out", output, "--all-above", "0.5");

        Assert.True(exit == 0, err);
        Assert.Contains("1 of its records name a class the model does not have (it has 10); skipped them", err);
        Assert.True(FoundRows(output) <= records);
        Assert.Equal([Path.GetFullPath(output)], Directory.GetFileSystemEntries(scratch.Path).Where(p => p.Contains("export", StringComparison.Ordinal)));
    }

    [Fact]
    public void Resume_keeps_the_intact_found_images_cuts_off_a_damaged_or_torn_tail_and_appends_cleanly()
    {
        using var scratch = new TempDirectory();
        string run = SmallRun(scratch);
        int records = Records(run);
        int bad = records / 2;

        string flipped = Copy(run, scratch.File("flipped"));
        string found = Path.Combine(flipped, RunFiles.Found);
        Flip(found, Header + (bad * Record) + 100);
        string all = Resume(flipped);
        Assert.Contains($"{found}: record {Number(bad + 1)} at byte {Number(Header + (bad * Record))} is damaged (checksum mismatch); kept {Number(bad)} record", all);
        Assert.Contains($"kept in {found}{FoundImageLog.DamagedSuffix}", all);
        Assert.Equal((records - bad) * Record, new FileInfo(found + FoundImageLog.DamagedSuffix).Length);
        AssertIntact(found, atLeast: bad);

        string cut = Copy(run, scratch.File("cut"));
        found = Path.Combine(cut, RunFiles.Found);
        using (var stream = new FileStream(found, FileMode.Open))
        {
            stream.SetLength(stream.Length - 5);
        }

        all = Resume(cut);
        Assert.Single(all.Split('\n'), line => line.Contains(RunFiles.Found, StringComparison.Ordinal));
        Assert.Contains($"record {Number(records)} at byte {Number(Header + ((records - 1) * Record))} is incomplete", all);
        AssertIntact(found, atLeast: records - 1);
    }

    [Fact]
    public void A_run_folder_from_before_the_journal_database_reports_its_damaged_journal_bin_and_continues_from_the_snapshot()
    {
        using var scratch = new TempDirectory();
        string run = SmallRun(scratch);

        // A folder written before journal.db: its state is archive.pb plus journal.bin.
        foreach (string database in Directory.GetFiles(run, RunFiles.Store + "*"))
        {
            File.Delete(database);
        }

        string journal = Path.Combine(run, RunFiles.Journal);
        File.WriteAllBytes(journal, [.. Enumerable.Repeat((byte)0xAB, 100)]);

        string all = Resume(run);

        Assert.Contains($"warning: {journal}: record 1 at byte 0 is damaged (length", all);
        Assert.Contains("resumes after generation 6", all);
        Assert.Equal(Enumerable.Range(0, 9), RunTestSupport.History(run, 8).Select(r => r.Generation));
    }

    [Fact]
    public void A_cut_archive_snapshot_is_refused_by_export_and_rewritten_by_a_resume_from_the_journal()
    {
        using var scratch = new TempDirectory();
        string run = SmallRun(scratch);
        string archive = Path.Combine(run, RunFiles.Archive);
        byte[] bytes = File.ReadAllBytes(archive);
        File.WriteAllBytes(archive, bytes[..(bytes.Length / 2)]);

        (int exit, _, string err) = RunTestSupport.Fooling("export", run, "--out", scratch.File("export"));
        Assert.True(exit == 2, err);
        Assert.StartsWith($"error: {archive}: ", err, StringComparison.Ordinal);
        Assert.False(Directory.Exists(scratch.File("export")), "a refused export left a folder");

        // The search's state is in journal.db; archive.pb is its copy for other commands, rewritten at the next snapshot.
        (exit, _, err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", "8");
        Assert.True(exit == 0, err);
        Assert.Equal(9, RunTestSupport.Snapshot(run).Generation);
        (exit, _, err) = RunTestSupport.Fooling("export", run, "--out", scratch.File("export"));
        Assert.True(exit == 0, err);
    }

    /// <summary>A 6-generation run that records many images (every one at ≥ 50%).</summary>
    private string SmallRun(TempDirectory scratch)
    {
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", target.ModelPath, generations: 6, seed: 31, recordThreshold: 0.5);
        return RunTestSupport.RunOnOneThread(config, scratch.File("runs"));
    }

    /// <summary>Resumes <paramref name="run"/> to generation 8; returns what it printed.</summary>
    private static string Resume(string run)
    {
        (int exit, string output, string err) = RunTestSupport.Fooling("run", "--resume", run, "--generations", "8", "--threads", "1");
        Assert.True(exit == 0, err);
        return output + err;
    }

    private static int Records(string run)
    {
        long length = new FileInfo(Path.Combine(run, RunFiles.Found)).Length;
        Assert.Equal(0, (length - Header) % Record);
        int records = (int)((length - Header) / Record);
        Assert.True(records >= 4, $"the run recorded only {records} images; damage in the middle would prove little");
        return records;
    }

    private static void AssertIntact(string found, int atLeast)
    {
        var warnings = new List<string>();
        Assert.InRange(FoundImageLog.Read(found, ImageShape.Mnist, warnings.Add).Count, atLeast, int.MaxValue);
        Assert.Empty(warnings);
    }

    private static int FoundRows(string export) =>
        File.ReadAllLines(Path.Combine(export, "images.csv")).Count(row => row.Contains(",found,", StringComparison.Ordinal));

    private static void Flip(string path, long offset)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offset] ^= 0x10;
        File.WriteAllBytes(path, bytes);
    }

    private static string Copy(string run, string destination)
    {
        foreach (string file in Directory.EnumerateFiles(run, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(destination, Path.GetRelativePath(run, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return destination;
    }

    private static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
