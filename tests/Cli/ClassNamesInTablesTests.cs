using System.Globalization;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Runs;
using FoolingCluster.Tensors.Serialization;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// The CSV files and printed tables a run and <c>fooling transfer</c> write show each class by name
/// when the model names its classes, as the report does, and stay one column per field when a name
/// holds a comma.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class ClassNamesInTablesTests(TargetModelFixture target)
{
    private const int Classes = 12;

    [Fact]
    public void History_csv_names_each_cells_column_and_reads_back_with_a_comma_in_a_name()
    {
        using var scratch = new TempDirectory();
        string run = NamedRun(scratch, generations: 2);

        string path = Path.Combine(run, RunFiles.History);
        List<string> header = CsvText.Split(File.ReadLines(path).First());
        Assert.Equal(11 + Classes, header.Count);
        Assert.Equal("confidence_0 tench", header[11]);
        Assert.Equal("confidence_1 goldfish", header[12]);
        Assert.Equal("confidence_5 crane, the bird", header[16]);
        Assert.Equal(2 + 1, RunTestSupport.History(run, 2).Count);

        // A resumed run keeps its rows (the header's quoted comma does not change the column count) and its names.
        RunTestSupport.ResumeOnOneThread(run, 4);
        Assert.Equal(4 + 1, RunTestSupport.History(run, 4).Count);
        Assert.Equal("confidence_5 crane, the bird", CsvText.Split(File.ReadLines(path).First())[16]);
    }

    [Fact]
    public void Transfer_prints_and_writes_each_class_by_name()
    {
        using var scratch = new TempDirectory();
        string run = NamedRun(scratch, generations: 1);
        string other = ColourModel.Save(scratch, Classes, side: 8, Names(), file: "other.safetensors");

        (int exit, string output, string err) = RunTestSupport.Fooling("transfer", run, "--to", other);

        Assert.True(exit == 0, err);
        Assert.Contains("\n  1 goldfish ", output);
        Assert.Contains("\n  5 crane, the bird ", output);
        string[] rows = File.ReadAllLines(Path.Combine(run, "transfer-other.csv"));
        Assert.Equal("class,run_confidence,other_confidence,other_top_class,other_top_confidence,class_name,other_top_class_name", rows[0]);
        List<string> goldfish = CsvText.Split(rows.Single(r => r.StartsWith("1,", StringComparison.Ordinal)));
        Assert.Equal(7, goldfish.Count);
        Assert.Equal("goldfish", goldfish[5]);
        List<string> crane = CsvText.Split(rows.Single(r => r.StartsWith("5,", StringComparison.Ordinal)));
        Assert.Equal(7, crane.Count);
        Assert.Equal("crane, the bird", crane[5]);
    }

    [Fact]
    public void Robustness_csv_ends_each_row_with_its_labels_name()
    {
        using var scratch = new TempDirectory();
        string[] digits = ["zero", "one", "two", "three", "four", "five", "six", "seven, lucky", "eight", "nine"];
        string model = scratch.File("named.safetensors");
        File.Copy(target.ModelPath, model);
        ModelSidecar sidecar = ModelSidecar.Load(ModelSidecar.PathFor(target.ModelPath)) with { ClassNames = digits };
        sidecar.Save(ModelSidecar.PathFor(model));

        (int exit, _, string err) = CliHarness.Run("eval-robustness", "--model", model, "--norms", "linf", "--attacks", "fgsm", "--n", "20", "--data", CliHarness.Mnist, "--runs", scratch.File("runs"), "--threads", "1");

        Assert.True(exit == 0, err);
        string[] rows = File.ReadAllLines(Path.Combine(RunTestSupport.SingleRunFolder(scratch.File("runs")), "robustness.csv"));
        List<string> header = CsvText.Split(rows[0]);
        Assert.Equal(["image", "label", "clean_correct"], header[..3]);
        Assert.Equal("label_name", header[^1]);
        foreach (string row in rows[1..])
        {
            List<string> fields = CsvText.Split(row);
            Assert.Equal(header.Count, fields.Count);
            Assert.Equal(digits[int.Parse(fields[1], CultureInfo.InvariantCulture)], fields[^1]);
        }

        // The first 20 test images include a 7, whose name holds a comma.
        Assert.Contains(rows, r => r.EndsWith(",\"seven, lucky\"", StringComparison.Ordinal));
    }

    private static string[] Names()
    {
        string[] names = ColourModel.Names(Classes);
        names[5] = "crane, the bird";
        return names;
    }

    private static string NamedRun(TempDirectory scratch, int generations)
    {
        string model = ColourModel.Save(scratch, Classes, side: 8, Names());
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", model, generations, seed: 4);
        return RunTestSupport.RunOnOneThread(config, scratch.File("runs"));
    }
}
