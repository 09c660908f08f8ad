using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// <c>fooling run</c> against a colour classifier of 1,000 named classes (ImageNet's scale, at
/// 3×32×32): the report holds every class, the grid stays a sensible size, and every place that
/// shows a cell shows its name.
/// </summary>
[Collection(RunTestGroup.Name)]
public partial class ManyClassesRunTests
{
    private const int Classes = 1000;

    [Fact]
    public void A_colour_cppn_search_of_1000_named_classes_reports_every_class_by_name()
    {
        using var scratch = new TempDirectory();
        string model = ColourModel.Save(scratch, Classes, side: 32, ColourModel.Names(Classes));
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", model, generations: 2, seed: 4, initialPopulation: 100, batchSize: 100);

        (int exit, string output, string err) = RunTestSupport.Fooling("run", config, "--runs", scratch.File("runs"), "--threads", "2");

        Assert.True(exit == 0, err);
        string log = output + err;
        Assert.Contains("the 10 most confident of 1,000 elites", log);
        Assert.Matches(@"  (\d+ (tench|goldfish|great white shark|tiger shark|synset \d{4})): +\d+\.\d{3}%", log);
        string run = RunTestSupport.SingleRunFolder(scratch.File("runs"));
        string html = File.ReadAllText(Path.Combine(run, RunFiles.Report));
        Assert.Equal(Classes, SquareTitle().Count(html));
        Assert.Contains("title=\"1 goldfish: ", html);
        using JsonDocument data = JsonDocument.Parse(ReportData().Match(html).Groups[1].Value);
        JsonElement elites = data.RootElement.GetProperty("elites");
        Assert.Equal(Classes, elites.GetArrayLength());
        Assert.Equal("2 great white shark", elites[2].GetProperty("label").GetString());
        Assert.Equal(Classes, data.RootElement.GetProperty("nines").GetArrayLength());
        Assert.True(html.Length < 3_000_000, $"report.html is {html.Length:N0} characters");
        Assert.Equal(Classes, Directory.GetFiles(Path.Combine(run, RunFiles.ElitesFolder), "*.png").Length);

        // 50 tiles (the 25 most and least confident), 10 to a row: 32×32 images shown 3× with two
        // lines of small captions (7 + 2 pixels each), the names cut to fit under the image.
        (int width, int height) = PngSize(Path.Combine(run, RunFiles.ElitesGrid));
        Assert.Equal((5 * (96 + (2 * 9))) + (6 * 8), height);
        Assert.Equal((10 * 96) + (11 * 8), width);
    }

    [Fact]
    public void Class_names_that_do_not_match_the_classes_are_refused_naming_the_file_and_both_counts()
    {
        using var scratch = new TempDirectory();
        string model = ColourModel.Save(scratch, classes: 12, side: 8, ColourModel.Names(11));
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", model, generations: 1, seed: 4);

        (int exit, _, string err) = RunTestSupport.Fooling("run", config, "--runs", scratch.File("runs"), "--threads", "1");

        Assert.Equal(2, exit);
        Assert.Contains("colour.json", err);
        Assert.Contains("class_names holds 11 names, but the model has 12 real classes, so it must hold 12", err);
    }

    [Fact]
    public void Export_of_a_run_against_named_classes_adds_each_images_class_name_as_a_last_column()
    {
        using var scratch = new TempDirectory();
        string[] names = ColourModel.Names(12);
        names[5] = "crane, the bird";
        string model = ColourModel.Save(scratch, classes: 12, side: 8, names);
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", model, generations: 1, seed: 4);
        (int exit, _, string err) = RunTestSupport.Fooling("run", config, "--runs", scratch.File("runs"), "--threads", "1");
        Assert.True(exit == 0, err);

        (exit, _, err) = RunTestSupport.Fooling("export", RunTestSupport.SingleRunFolder(scratch.File("runs")), "--out", scratch.File("export"));

        Assert.True(exit == 0, err);
        string[] rows = File.ReadAllLines(Path.Combine(scratch.File("export"), "images.csv"));
        Assert.Equal("index,label,confidence,generation,source,png,name", rows[0]);
        Assert.Contains(rows, r => r.Split(',')[1] == "1" && r.EndsWith(",goldfish", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.Split(',')[1] == "5" && r.EndsWith(",\"crane, the bird\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_of_a_run_with_more_classes_than_a_byte_holds_writes_int32_labels()
    {
        using var scratch = new TempDirectory();
        string model = ColourModel.Save(scratch, classes: 300, side: 8, ColourModel.Names(300));
        string config = RunTestSupport.WriteConfig(scratch, "search.json", "cppn", model, generations: 1, seed: 4);
        (int exit, _, string err) = RunTestSupport.Fooling("run", config, "--runs", scratch.File("runs"), "--threads", "1");
        Assert.True(exit == 0, err);

        (exit, string output, err) = RunTestSupport.Fooling("export", RunTestSupport.SingleRunFolder(scratch.File("runs")), "--out", scratch.File("export"));

        Assert.True(exit == 0, err);
        Assert.Contains("labels-idx1-int", output);
        Assert.False(File.Exists(Path.Combine(scratch.File("export"), "labels-idx1-ubyte")));
        byte[] labels = File.ReadAllBytes(Path.Combine(scratch.File("export"), "labels-idx1-int"));
        Assert.Equal(0x0C, labels[2]);
        int count = BinaryPrimitives.ReadInt32BigEndian(labels.AsSpan(4));
        Assert.Equal(8 + (4 * count), labels.Length);
        string[] rows = File.ReadAllLines(Path.Combine(scratch.File("export"), "images.csv"));
        int[] csvLabels = [.. rows.Skip(1).Select(r => int.Parse(r.Split(',')[1], CultureInfo.InvariantCulture))];
        int[] idxLabels = [.. Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadInt32BigEndian(labels.AsSpan(8 + (4 * i))))];
        Assert.Equal(csvLabels, idxLabels);
        Assert.Contains(idxLabels, l => l > 255);
    }

    [Theory]
    [InlineData("config/imagenet-cppn.json")]
    [InlineData("config/imagenet-direct.json")]
    public void The_imagenet_configurations_say_the_model_is_the_users_own_when_it_is_missing(string config)
    {
        using var scratch = new TempDirectory();
        string text = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), config));
        string copy = scratch.File("imagenet.json");
        File.WriteAllText(copy, text.Replace("models/imagenet.safetensors", scratch.File("imagenet.safetensors").Replace("\\", "/"), StringComparison.Ordinal));

        (int exit, _, string err) = RunTestSupport.Fooling("run", copy, "--runs", scratch.File("runs"));

        Assert.Equal(2, exit);
        Assert.Contains("is for a model you supply (e.g. your own ImageNet classifier", err);
        Assert.False(Directory.Exists(scratch.File("runs")));
    }

    private static (int Width, int Height) PngSize(string path)
    {
        byte[] header = File.ReadAllBytes(path)[16..24];
        return (BinaryPrimitives.ReadInt32BigEndian(header), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)));
    }

    [GeneratedRegex("<span class=\"sq\" data-cell=\"\\d+\" title=")]
    private static partial Regex SquareTitle();

    [GeneratedRegex("<script type=\"application/json\" id=\"report-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex ReportData();
}
