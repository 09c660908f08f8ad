using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tests.Shared;
using Microsoft.ML.OnnxRuntime;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// An ONNX classifier (a quickly trained LeNet written by <c>export-onnx</c>) used where any model
/// is taken: a search, its resume, attacks, robustness, evaluation and transfer, on the engine and
/// on ONNX Runtime; and what ONNX Runtime scores for the elites the run saved.
/// </summary>
public sealed class OnnxModelCommandTests : IClassFixture<OnnxModelCommandTests.Target>, IDisposable
{
    private readonly Target _target;
    private readonly TempDirectory _scratch = new();

    public OnnxModelCommandTests(Target target) => _target = target;

    public void Dispose() => _scratch.Dispose();

    /// <summary>The LeNet of <see cref="QuickModel"/>, its weights alone and written as ONNX by the command.</summary>
    public sealed class Target : IDisposable
    {
        private readonly TempDirectory _folder = new();

        public Target()
        {
            (WeightsPath, _) = QuickModel.Train(_folder);
            OnnxPath = _folder.File("lenet.onnx");
            (int exit, string output, string err) = RunTestSupport.Fooling("export-onnx", "--model", WeightsPath, "--out", OnnxPath);
            Assert.True(exit == 0, err);
            Assert.Contains($"wrote {OnnxPath}: lenet, opset 17", output);
        }

        public string WeightsPath { get; }

        public string OnnxPath { get; }

        public void Dispose() => _folder.Dispose();
    }

    [Fact]
    public void Export_onnx_writes_a_file_that_imports_back_with_the_engines_outputs_and_refuses_overwriting_and_other_models()
    {
        LoadedModel original = ModelCheckpoint.Load(_target.WeightsPath);
        LoadedModel imported = ModelCheckpoint.Load(_target.OnnxPath);
        float[] images = Images(3);
        Assert.Equal(Logits(original, images, 3), Logits(imported, images, 3), new Tolerance(1e-4f));

        (int exit, _, string err) = RunTestSupport.Fooling("export-onnx", "--model", _target.WeightsPath, "--out", _target.OnnxPath);
        Assert.Equal(2, exit);
        Assert.Contains("--overwrite", err);
        (exit, _, err) = RunTestSupport.Fooling("export-onnx", "--model", _target.OnnxPath, "--out", _scratch.File("again.onnx"));
        Assert.Equal(2, exit);
        Assert.Contains("export-onnx writes only the built-in lenet and mlp (this one is ONNX already)", err);
    }

    [Fact]
    public void A_run_against_an_onnx_model_describes_it_keeps_a_copy_resumes_and_its_png_elites_score_in_onnx_runtime_what_it_reported()
    {
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "direct", _target.OnnxPath, generations: 2, seed: 3);
        (int exit, string output, string err) = RunTestSupport.Fooling("run", config, "--runs", _scratch.File("runs"), "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.Contains($"model {_target.OnnxPath}: ONNX opset 17, imported into the engine", output);
        Assert.Contains("input shape: [1,28,28] (from the graph input 'input' [N,1,28,28])", output);
        Assert.Contains("value range: [0,1] (from metadata fooling.input_range)", output);
        Assert.Contains("normalisation: none", output);
        Assert.Contains("classes: 10 (from metadata fooling.classes, matching the graph's output)", output);
        string run = RunTestSupport.SingleRunFolder(_scratch.File("runs"));
        Assert.Equal(File.ReadAllBytes(_target.OnnxPath), File.ReadAllBytes(Path.Combine(run, "model.onnx")));
        Assert.False(File.Exists(Path.Combine(run, "model.safetensors")));

        RunTestSupport.ResumeOnOneThread(run, 3);
        ArchiveSnapshotMessage snapshot = RunTestSupport.Snapshot(run);
        Assert.True(snapshot.Generation >= 3, $"snapshot at generation {snapshot.Generation} after resuming to 3");
        Assert.NotEmpty(snapshot.Elites);

        // The elites as saved (8-bit PNGs), classified by ONNX Runtime on the model file.
        using var session = new InferenceSession(_target.OnnxPath);
        foreach (EliteMessage elite in snapshot.Elites)
        {
            float[] png = PngReader.Read(Path.Combine(run, "elites", $"{elite.Cell}.png")).ToFloat();
            using OrtValue input = OrtValue.CreateTensorValueFromMemory(png, [1, 1, 28, 28]);
            using IDisposableReadOnlyCollection<OrtValue> outputs = session.Run(new RunOptions(), new Dictionary<string, OrtValue> { ["input"] = input }, ["logits"]);
            float[] probabilities = Softmax(outputs[0].GetTensorDataAsSpan<float>());
            Assert.Equal(elite.Confidence, probabilities[elite.Cell], 4);
        }
    }

    [Fact]
    public void Attack_eval_robustness_eval_model_and_transfer_take_an_onnx_model()
    {
        (int exit, string output, string err) = RunTestSupport.Fooling("attack", "--model", _target.OnnxPath, "--attack", "fgsm", "--eps", "0.3", "--n", "2", "--data", CliHarness.Mnist, "--out", _scratch.File("attack"), "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.Contains("imported into the engine", output);
        Assert.Contains("success rate", output);

        (exit, output, err) = RunTestSupport.Fooling("eval-robustness", "--model", _target.OnnxPath, "--n", "2", "--norms", "linf", "--attacks", "fgsm", "--data", CliHarness.Mnist, "--runs", _scratch.File("robustness"), "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.Contains("L∞: accuracy", output);

        (exit, output, err) = RunTestSupport.Fooling("eval-model", "--model", _target.OnnxPath, "--n", "50", "--data", CliHarness.Mnist, "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.Contains("(onnx, 431,080 parameters)", output);
        Assert.Contains("/50)", output);

        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "direct", _target.WeightsPath, generations: 2, seed: 3);
        string run = RunTestSupport.RunOnOneThread(config, _scratch.File("runs"));
        (exit, output, err) = RunTestSupport.Fooling("transfer", run, "--to", _target.OnnxPath);
        Assert.True(exit == 0, err);
        Assert.Contains("elites reach", output);
    }

    [Fact]
    public void The_onnxruntime_backend_runs_a_search_and_a_decision_attack_and_refuses_a_gradient_attack()
    {
        string config = RunTestSupport.WriteConfig(_scratch, "search.json", "direct", _target.OnnxPath, generations: 2, seed: 3);
        (int exit, string output, string err) = RunTestSupport.Fooling("run", config, "--runs", _scratch.File("runs"), "--threads", "1", "--backend", "onnxruntime");
        Assert.True(exit == 0, err);
        Assert.Contains("run by ONNX Runtime, forward only", output);
        string run = RunTestSupport.SingleRunFolder(_scratch.File("runs"));
        Assert.Contains("\"architecture\": \"onnxruntime\"", File.ReadAllText(Path.Combine(run, "model.json")));
        RunTestSupport.ResumeOnOneThread(run, 3);

        (exit, output, err) = RunTestSupport.Fooling("attack", "--model", _target.OnnxPath, "--backend", "onnxruntime", "--attack", "salt-and-pepper", "--n", "2", "--data", CliHarness.Mnist, "--out", _scratch.File("attack"), "--threads", "1");
        Assert.True(exit == 0, err);
        Assert.Contains("success rate", output);

        (exit, _, err) = RunTestSupport.Fooling("attack", "--model", _target.OnnxPath, "--backend", "onnxruntime", "--attack", "fgsm", "--eps", "0.3", "--n", "2", "--data", CliHarness.Mnist, "--out", _scratch.File("attack-fgsm"), "--threads", "1");
        Assert.Equal(2, exit);
        Assert.Contains("gives no gradients", err);
    }

    [Fact]
    public void A_garbage_onnx_file_is_refused_naming_it()
    {
        string bad = _scratch.File("garbage.onnx");
        File.WriteAllBytes(bad, [.. Enumerable.Range(0, 300).Select(i => (byte)((i * 97) + 13))]);
        foreach (string[] args in new[]
        {
            new[] { "eval-model", "--model", bad, "--n", "5", "--data", CliHarness.Mnist },
            new[] { "attack", "--model", bad, "--attack", "fgsm", "--eps", "0.3", "--n", "2", "--data", CliHarness.Mnist, "--out", _scratch.File("a") },
            new[] { "run", RunTestSupport.WriteConfig(_scratch, "bad.json", "direct", bad, generations: 1, seed: 1), "--runs", _scratch.File("runs") },
        })
        {
            (int exit, _, string err) = RunTestSupport.Fooling(args);
            Assert.Equal(2, exit);
            Assert.Contains($"error: {bad}", err);
        }

        Assert.False(Directory.Exists(_scratch.File("runs")) && Directory.EnumerateFileSystemEntries(_scratch.File("runs")).Any());
    }

    [Fact]
    public void Weights_without_a_sidecar_load_as_the_built_in_architecture_they_match_or_are_refused_with_the_sidecar_to_write()
    {
        string bare = _scratch.File("bare.safetensors");
        File.Copy(_target.WeightsPath, bare);
        (int exit, string output, string err) = RunTestSupport.Fooling("eval-model", "--model", bare, "--n", "20", "--data", CliHarness.Mnist);
        Assert.True(exit == 0, err);
        Assert.Contains($"no sidecar {_scratch.File("bare.json")}; its tensor names and shapes are those of the built-in lenet, so it is loaded as lenet with 10 classes", output);

        string other = _scratch.File("other.safetensors");
        FoolingCluster.Tensors.Serialization.SafeTensors.Save(other, new Dictionary<string, FoolingCluster.Tensors.Tensor> { ["w"] = FoolingCluster.Tensors.Tensor.Zeros(3, 4) });
        (exit, _, err) = RunTestSupport.Fooling("eval-model", "--model", other, "--n", "20", "--data", CliHarness.Mnist);
        Assert.Equal(2, exit);
        Assert.Contains($"create {_scratch.File("other.json")}", err);
        Assert.Contains("\"architecture\": \"lenet\", \"dataset\": \"mnist\", \"input_shape\": [1, 28, 28], \"input_range\": [0, 1], \"classes\": 10", err);
    }

    [Fact]
    public void Eval_model_of_an_onnx_model_that_does_not_take_mnist_images_says_there_is_no_test_set()
    {
        (int exit, string output, string err) = RunTestSupport.Fooling("eval-model", "--model", MlpOnRgb(), "--n", "5", "--data", CliHarness.Mnist);
        Assert.Equal(2, exit);
        Assert.Contains("there is no test set here for input shape [3,8,8]", err);
        Assert.Contains("input shape: [3,8,8]", output);
    }

    /// <summary>A flat-input graph of 3·8·8 values (an RGB 8×8 image) → 10 logits.</summary>
    private string MlpOnRgb()
    {
        string path = _scratch.File("rgb-mlp.onnx");
        var w = new float[10 * 192];
        new OnnxGraphWriter("rgb", 17)
            .Input("input", null, 192)
            .Initializer("w", w, 10, 192)
            .Node("Gemm", "/fc/Gemm", ["input", "w"], ["logits"], OnnxGraphWriter.Int("transB", 1))
            .Output("logits", null, 10)
            .Save(path);
        return path;
    }

    private static float[] Images(int n)
    {
        var images = new float[n * 784];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = (i * 37 % 101) / 100f;
        }

        return images;
    }

    private static float[] Logits(LoadedModel model, float[] images, int n)
    {
        using FoolingCluster.Tensors.TensorScope scope = FoolingCluster.Tensors.TensorScope.Begin();
        using FoolingCluster.Tensors.Autograd.NoGradScope noGrad = FoolingCluster.Tensors.Autograd.NoGradScope.Begin();
        return model.Model.Forward(FoolingCluster.Tensors.Tensor.FromArray(images, n, 1, 28, 28)).ToArray();
    }

    private static float[] Softmax(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits)
        {
            max = Math.Max(max, v);
        }

        double sum = 0;
        var p = new float[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            p[i] = MathF.Exp(logits[i] - max);
            sum += p[i];
        }

        return [.. p.Select(v => (float)(v / sum))];
    }

    private sealed class Tolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance * Math.Max(1f, Math.Abs(x));

        public int GetHashCode(float obj) => 0;
    }
}
