using System.Text.Json;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Models.Tests.Checkpoints;

public sealed class ModelSidecarTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Sidecar_sits_beside_the_weights()
    {
        Assert.Equal(Path.Combine("models", "lenet.json"), ModelSidecar.PathFor(Path.Combine("models", "lenet.safetensors")));
    }

    [Fact]
    public void Round_trip_keeps_every_field()
    {
        ModelSidecar written = LeNet();
        string path = _dir.File("lenet.json");
        written.Save(path);

        var read = ModelSidecar.Load(path);

        Assert.Equal("lenet", read.Architecture);
        Assert.Equal("mnist", read.Dataset);
        Assert.Equal([1, 28, 28], read.InputShape);
        Assert.Equal([0f, 1f], read.InputRange);
        Assert.Equal(10, read.Classes);
        Assert.Equal(0.9912, read.TestAccuracy);
        Assert.Equal(written.Training, read.Training);
        Assert.Equal(written.CreatedUtc, read.CreatedUtc);
        Assert.Equal(DateTimeKind.Utc, read.CreatedUtc.Kind);
        Assert.Equal("FoolingCluster", read.Engine);
    }

    [Fact]
    public void File_uses_snake_case_and_iso_8601_utc_time()
    {
        string path = _dir.File("lenet.json");
        LeNet().Save(path);

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        JsonElement root = json.RootElement;
        Assert.Equal("lenet", root.GetProperty("architecture").GetString());
        Assert.Equal(3, root.GetProperty("input_shape").GetArrayLength());
        Assert.Equal(0.01, root.GetProperty("training").GetProperty("learning_rate").GetDouble());
        Assert.Equal("2026-03-04T05:06:07Z", root.GetProperty("created_utc").GetString());
        Assert.Equal("FoolingCluster", root.GetProperty("engine").GetString());
    }

    [Fact]
    public void Unmeasured_accuracy_and_unknown_fields_are_accepted()
    {
        string path = _dir.File("imported.json");
        File.WriteAllText(path, """
            {
              "architecture": "mlp", "dataset": "mnist", "input_shape": [1, 28, 28], "input_range": [0, 1],
              "classes": 11, "test_accuracy": null, "created_utc": "2026-01-02T03:04:05Z",
              "pytorch_version": "2.5", "notes": { "anything": [1, 2] }
            }
            """);

        var read = ModelSidecar.Load(path);

        Assert.Null(read.TestAccuracy);
        Assert.Null(read.Training);
        Assert.Equal(11, read.Classes);
        Assert.Equal("FoolingCluster", read.Engine);
        Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), read.CreatedUtc);
    }

    [Theory]
    [InlineData("{ \"architecture\": \"lenet\", ", "not a valid model sidecar")]
    [InlineData("null", "JSON null")]
    [InlineData("[1, 2]", "not a valid model sidecar")]
    [InlineData("{ \"dataset\": \"mnist\", \"input_shape\": [1,28,28], \"input_range\": [0,1], \"classes\": 10, \"created_utc\": \"2026-01-02T03:04:05Z\" }", "architecture")]
    [InlineData("{ \"architecture\": \"lenet\", \"dataset\": \"mnist\", \"input_shape\": [1,28,28], \"input_range\": [1,0], \"classes\": 10, \"created_utc\": \"2026-01-02T03:04:05Z\" }", "input_range must be [min,max]")]
    [InlineData("{ \"architecture\": \"lenet\", \"dataset\": \"mnist\", \"input_shape\": [], \"input_range\": [0,1], \"classes\": 10, \"created_utc\": \"2026-01-02T03:04:05Z\" }", "input_shape must be")]
    [InlineData("{ \"architecture\": \"lenet\", \"dataset\": \"mnist\", \"input_shape\": [1,28,28], \"input_range\": [0,1], \"classes\": 10, \"test_accuracy\": 99.1, \"created_utc\": \"2026-01-02T03:04:05Z\" }", "test_accuracy must lie in [0,1]")]
    [InlineData("{ \"architecture\": null, \"dataset\": \"mnist\", \"input_shape\": [1,28,28], \"input_range\": [0,1], \"classes\": 10, \"created_utc\": \"2026-01-02T03:04:05Z\" }", "not a valid model sidecar")]
    [InlineData("{ \"architecture\": \"lenet\", \"dataset\": \"mnist\", \"input_shape\": [1,28,28], \"input_range\": [0,1], \"classes\": \"ten\", \"created_utc\": \"2026-01-02T03:04:05Z\" }", "not a valid model sidecar")]
    [InlineData("{ \"architecture\": \"lenet\", \"dataset\": \"mnist\", \"input_shape\": [1,28,28], \"input_range\": [0,1], \"classes\": 11, \"fooling_class\": 3, \"created_utc\": \"2026-01-02T03:04:05Z\" }", "fooling_class must be the last class (10)")]
    public void Corrupt_file_names_the_file_and_the_problem(string content, string problem)
    {
        string path = _dir.File("corrupt.json");
        File.WriteAllText(path, content);

        CheckpointFormatException e = Assert.Throws<CheckpointFormatException>(() => ModelSidecar.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<InvalidInputException>(e);
    }

    [Fact]
    public void Missing_file_is_reported_by_path()
    {
        string path = _dir.File("absent.json");
        InvalidInputException e = Assert.Throws<InvalidInputException>(() => ModelSidecar.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    private static ModelSidecar LeNet() => new()
    {
        Architecture = "lenet",
        Dataset = "mnist",
        InputShape = [1, 28, 28],
        InputRange = [0f, 1f],
        Classes = 10,
        TestAccuracy = 0.9912,
        Training = new TrainingDetails { Epochs = 3, Seed = 1, BatchSize = 64, Optimiser = "sgd", LearningRate = 0.01, Method = "standard" },
        CreatedUtc = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc),
    };
}
