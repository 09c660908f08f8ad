using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// What an ONNX model cannot do here, said plainly: a graph with an op the importer does not
/// cover is refused naming the node and the op and pointing to ONNX Runtime, which then runs it;
/// and training commands, which build and copy weights between the built-in networks, refuse a
/// model file where they take an architecture.
/// </summary>
[Collection(RunTestGroup.Name)]
public sealed class OnnxLimitsTests : IDisposable
{
    private readonly TempDirectory _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_graph_with_an_op_the_importer_lacks_is_refused_naming_node_and_op_and_runs_a_search_under_onnx_runtime()
    {
        string model = ErfModel();
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "direct", model, generations: 2, seed: 4, initialPopulation: 20, batchSize: 20);

        (int exit, string output, string err) = RunTestSupport.Fooling("run", config, "--runs", _scratch.File("refused"), "--threads", "1");
        Assert.Equal(2, exit);
        Assert.Contains($"error: {model}", err);
        Assert.Contains("node '/act/Erf' (Erf)", err);
        Assert.Contains("--backend onnxruntime", err);
        Assert.False(Directory.Exists(_scratch.File("refused")) && Directory.EnumerateFileSystemEntries(_scratch.File("refused")).Any(), "a run folder was left for a refused model");

        (exit, output, err) = RunTestSupport.Fooling("run", config, "--runs", _scratch.File("runs"), "--threads", "1", "--backend", "onnxruntime");
        Assert.True(exit == 0, err);
        Assert.Contains("run by ONNX Runtime", output);
        Assert.Equal(3, RunTestSupport.Snapshot(RunTestSupport.SingleRunFolder(_scratch.File("runs"))).Generation);
    }

    [Fact]
    public void Retrain_and_train_refuse_an_onnx_model_where_they_take_an_architecture()
    {
        string model = ErfModel();
        string training = _scratch.File("train.json");
        File.WriteAllText(training, $$"""{ "model": "{{model}}", "epochs": 1 }""");
        string search = RunTestSupport.WriteConfig(_scratch, "search.json", "direct", model, generations: 1, seed: 4);
        string loop = _scratch.File("retrain.json");
        File.WriteAllText(loop, $$"""{ "iterations": 1, "search": "{{search}}", "training": "{{training}}", "data": "{{CliHarness.Mnist}}" }""");

        foreach (string[] args in new[]
        {
            new[] { "retrain", "--config", loop, "--runs", _scratch.File("runs") },
            new[] { "train", "--model", model, "--epochs", "1", "--data", CliHarness.Mnist, "--out", _scratch.File("out.safetensors"), "--runs", _scratch.File("runs") },
        })
        {
            (int exit, _, string err) = RunTestSupport.Fooling(args);
            Assert.Equal(2, exit);
            Assert.Contains($"'{model}' is a model file, not an architecture", err);
            Assert.Contains("an ONNX model is not trained here", err);
        }

        Assert.False(Directory.Exists(_scratch.File("runs")) && Directory.EnumerateFileSystemEntries(_scratch.File("runs")).Any(), "a run folder was left");
    }

    /// <summary>MNIST images → a linear layer → Erf, which the importer does not cover and ONNX Runtime does.</summary>
    private string ErfModel()
    {
        string path = _scratch.File("erf.onnx");
        var weights = new float[10 * 784];
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = ((i * 7919 % 201) - 100) / 2000f;
        }

        new OnnxGraphWriter("erf", 17)
            .Input("input", null, 1, 28, 28)
            .Initializer("w", weights, 10, 784)
            .Node("Flatten", "/Flatten", ["input"], ["/Flatten_output_0"], OnnxGraphWriter.Int("axis", 1))
            .Node("Gemm", "/fc/Gemm", ["/Flatten_output_0", "w"], ["/fc/Gemm_output_0"], OnnxGraphWriter.Int("transB", 1))
            .Node("Erf", "/act/Erf", ["/fc/Gemm_output_0"], ["logits"])
            .Output("logits", null, 10)
            .Save(path);
        return path;
    }
}
