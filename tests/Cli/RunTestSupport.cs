using System.Globalization;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Reporting;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// One small LeNet, trained once for every test of the <c>fooling run</c> group and shared:
/// 1 epoch on 5000 images, seed 3 (a few seconds).
/// </summary>
public sealed class TargetModelFixture : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public TargetModelFixture()
    {
        ModelPath = _scratch.File("models/lenet.safetensors");
        (int exit, _, string err) = CliHarness.Run(
            "train", "--model", "lenet", "--epochs", "1", "--train-subset", "5000", "--seed", "3",
            "--data", CliHarness.Mnist, "--out", ModelPath, "--runs", _scratch.File("train-runs"));
        if (exit != 0)
        {
            throw new InvalidOperationException($"training the shared target model failed (exit {exit}): {err}");
        }
    }

    /// <summary>Absolute path of the trained weights (the sidecar lies beside them).</summary>
    public string ModelPath { get; }

    public void Dispose() => _scratch.Dispose();
}

/// <summary>
/// The tests of <c>fooling run</c> share the target model and run one after another: they are
/// CPU-bound, and some set the process-wide kernel thread count.
/// </summary>
[CollectionDefinition(Name)]
public sealed class RunTestGroup : ICollectionFixture<TargetModelFixture>
{
    public const string Name = "fooling run";
}

/// <summary>Configurations, run folders and snapshots for the <c>fooling run</c> tests.</summary>
internal static class RunTestSupport
{
    /// <summary>Writes a search configuration for <paramref name="model"/> with no training fallback.</summary>
    public static string WriteConfig(TempDirectory scratch, string name, string encoding, string model, int generations, long seed, int initialPopulation = 50, int batchSize = 100, int snapshotEvery = 25, double recordThreshold = 0.9999, int jobSize = 0)
    {
        string path = scratch.File(name);
        string json = string.Create(CultureInfo.InvariantCulture, $$"""
            {
              "encoding": "{{encoding}}",
              "model": "{{model}}",
              "trainConfig": "",
              "generations": {{generations}},
              "initialPopulation": {{initialPopulation}},
              "batchSize": {{batchSize}},
              "jobSize": {{jobSize}},
              "seed": {{seed}},
              "snapshotEvery": {{snapshotEvery}},
              "recordThreshold": {{recordThreshold}}
            }
            """);
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>
    /// Runs <c>fooling</c> in-process and puts the kernel thread count back afterwards, since
    /// <c>--threads</c> sets it for the whole process.
    /// </summary>
    public static (int Exit, string Out, string Err) Fooling(params string[] args)
    {
        int threads = Engine.Threads;
        try
        {
            return CliHarness.Run(args);
        }
        finally
        {
            Engine.Threads = threads;
        }
    }

    /// <summary>Runs <paramref name="config"/> on one thread into a fresh runs folder; returns the run folder.</summary>
    public static string RunOnOneThread(string config, string runs, params string[] extra)
    {
        (int exit, _, string err) = Fooling(["run", config, "--runs", runs, "--threads", "1", .. extra]);
        Assert.True(exit == 0, err);
        return SingleRunFolder(runs);
    }

    /// <summary>Continues <paramref name="run"/> on one thread up to <paramref name="generations"/>.</summary>
    public static void ResumeOnOneThread(string run, int generations)
    {
        (int exit, _, string err) = Fooling("run", "--resume", run, "--generations", generations.ToString(CultureInfo.InvariantCulture), "--threads", "1");
        Assert.True(exit == 0, err);
    }

    /// <summary>The one run folder a single run created under <paramref name="runsRoot"/>.</summary>
    public static string SingleRunFolder(string runsRoot)
    {
        Assert.True(Directory.Exists(runsRoot), $"{runsRoot} was not created");
        return Assert.Single(Directory.GetDirectories(runsRoot));
    }

    public static ArchiveSnapshotMessage Snapshot(string runFolder) =>
        ArchiveSnapshotMessage.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(runFolder, RunFiles.Archive)));

    public static List<GenerationRecord> History(string runFolder, int generations) =>
        HistoryCsv.Read(Path.Combine(runFolder, RunFiles.History), generations);

    public static IEncoding<CppnGenome> Cppn() => new CppnEncoding(ImageShape.Mnist, new CppnSettings());

    public static IEncoding<DirectGenome> Direct() => new DirectEncoding(ImageShape.Mnist, new DirectSettings());

    /// <summary>
    /// Restores the snapshot with the encoding named in it and draws each elite as it was
    /// evaluated (decoded and rounded to 8 bits): cell → image.
    /// </summary>
    public static Dictionary<int, float[]> RenderElites(string runFolder)
    {
        string path = Path.Combine(runFolder, RunFiles.Archive);
        return Snapshot(runFolder).Encoding switch
        {
            CppnEncoding.EncodingName => Render(path, Cppn()),
            DirectEncoding.EncodingName => Render(path, Direct()),
            string other => throw new InvalidOperationException($"snapshot of unknown encoding '{other}'"),
        };
    }

    /// <summary>Asserts that two snapshots hold the same search state: elites (genomes, confidences, probabilities, generations, ids), generator state and counts.</summary>
    public static void AssertSameSearchState(ArchiveSnapshotMessage expected, ArchiveSnapshotMessage actual)
    {
        Assert.Equal(expected.Encoding, actual.Encoding);
        Assert.Equal(expected.Cells, actual.Cells);
        Assert.Equal(expected.Generation, actual.Generation);
        Assert.Equal(expected.Evaluations, actual.Evaluations);
        Assert.Equal(expected.RandomState, actual.RandomState);
        Assert.Equal(expected.Elites.Count, actual.Elites.Count);
        for (int i = 0; i < expected.Elites.Count; i++)
        {
            EliteMessage e = expected.Elites[i];
            EliteMessage a = actual.Elites[i];
            Assert.Equal(e.Cell, a.Cell);
            Assert.Equal(e.Confidence, a.Confidence);
            Assert.Equal(e.Probabilities, a.Probabilities);
            Assert.Equal(e.Generation, a.Generation);
            Assert.Equal(e.Id, a.Id);
            Assert.True(e.Genome.Equals(a.Genome), $"the genomes of cell {e.Cell} differ");
        }
    }

    private static Dictionary<int, float[]> Render<TGenome>(string path, IEncoding<TGenome> encoding)
    {
        RestoredSearch<TGenome> restored = ArchiveSnapshot.Load(path, encoding, 10);
        return EliteImages.Render(restored.Archive, encoding.Decoder).ToDictionary(e => e.Elite.Cell, e => e.Image);
    }
}
