using FoolingCluster.Models.Data;
using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Models.Onnx.Tests.Support;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace FoolingCluster.Models.Onnx.Tests;

/// <summary>
/// A network trained in PyTorch 1.13 and written by <c>torch.onnx.export</c> (opset 17, dynamic
/// batch; tools/pytorch/train_lenet.py) imports into the engine and computes what PyTorch did:
/// its logits on the committed probes equal PyTorch's and ONNX Runtime's within
/// <see cref="Agreement.RelativeTolerance"/> of the logits' scale, its input gradients equal
/// finite differences, and it is as accurate on the MNIST test set as a trained network is.
/// </summary>
public sealed class PyTorchExportTests(ITestOutputHelper output)
{
    private static readonly Lazy<PyTorchProbes> s_probes = new(PyTorchProbes.Load);

    [Fact]
    public void The_export_imports_as_an_mnist_classifier_on_pixels_in_0_1()
    {
        OnnxNetwork network = OnnxImporter.Load(s_probes.Value.Model, PyTorchProbes.ModelPath);

        Assert.Equal([1, 28, 28], network.Info.ImageShape);
        Assert.Equal(10, network.Info.Classes);
        Assert.Equal([0f, 1f], network.Info.InputRange);
        Assert.Null(network.Info.Mean);
        Assert.True(network.Info.Opset >= 13, $"opset {network.Info.Opset}");
    }

    [Fact]
    public void The_engine_gives_pytorchs_own_logits_on_the_probes()
    {
        PyTorchProbes probes = s_probes.Value;
        float[] engine = EngineLogits(probes);

        double worst = Agreement.AssertClose(probes.Logits, engine);

        Assert.Equal(TopClass(probes.Logits, probes.Classes), TopClass(engine, probes.Classes));
        output.WriteLine($"{probes.Count} probes: max |engine − PyTorch| {worst:E2}");
    }

    [Fact]
    public void The_engine_gives_onnx_runtimes_logits_on_the_probes()
    {
        PyTorchProbes probes = s_probes.Value;
        (float[] runtime, long[] shape) = OnnxRuntimeReference.Run(probes.Model, probes.Images, probes.Count, 1, 28, 28);

        Assert.Equal([probes.Count, probes.Classes], shape);
        double worst = Agreement.AssertClose(runtime, EngineLogits(probes));
        double pytorch = Agreement.AssertClose(probes.Logits, runtime);
        output.WriteLine($"{probes.Count} probes: max |engine − ONNX Runtime| {worst:E2}, max |ONNX Runtime − PyTorch| {pytorch:E2}");
    }

    [Fact]
    public void The_probe_digits_are_the_mnist_test_images_the_project_loads_and_pytorch_labels_them()
    {
        PyTorchProbes probes = s_probes.Value;
        int digits = probes.Labels.Count(l => l >= 0);
        ImageDataset test = MnistDataset.Load(Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory), MnistSplit.Test, limit: digits);

        // Same bytes/255 convention on both sides, so the scores a PyTorch user computes are for the same images.
        Assert.Equal(test.Images, probes.Images.AsSpan(0, digits * probes.Pixels).ToArray());
        Assert.Equal(test.Labels.Select(l => (int)l), probes.Labels.Take(digits));
        int[] predicted = TopClass(probes.Logits, probes.Classes);
        Assert.True(Enumerable.Range(0, digits).Count(i => predicted[i] == probes.Labels[i]) >= digits - 1);
    }

    [Fact]
    public void Input_gradient_matches_finite_differences()
    {
        PyTorchProbes probes = s_probes.Value;
        OnnxNetwork network = OnnxImporter.Load(probes.Model, PyTorchProbes.ModelPath);
        // Two noise probes and a digit blended with the last: a digit's flat background ties inside
        // max-pool windows, and a ±h step across a tie has no derivative for the quotient to approach.
        int n = probes.Count;
        float[] noise = probes.Images.AsSpan((n - 1) * probes.Pixels, probes.Pixels).ToArray();
        float[] digit = [.. probes.Images.AsSpan(0, probes.Pixels).ToArray().Select((v, i) => (0.8f * v) + (0.2f * noise[i]))];
        float[] images = [.. probes.Images.AsSpan((n - 2) * probes.Pixels, 2 * probes.Pixels).ToArray(), .. digit];
        Tensor x = Tensor.FromArray(images, 3, 1, 28, 28);
        int[] pixels = [.. Enumerable.Range(0, 24).Select(i => (i / 8 * 784) + ((8 + (i % 8 * 2)) * 28) + 6 + (i * 5 % 17))];

        double worst = FiniteDifferences.CheckInputGradient(network, x, pixels, h: 3e-3);

        output.WriteLine($"{pixels.Length} pixels: largest |analytic − numeric| is {worst:P0} of its bound");
    }

    [Fact]
    public void Accuracy_on_the_mnist_test_set_is_that_of_a_trained_network()
    {
        OnnxNetwork network = OnnxImporter.Load(s_probes.Value.Model, PyTorchProbes.ModelPath);
        ImageDataset test = MnistDataset.Load(Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory), MnistSplit.Test);
        int correct = 0;
        const int Batch = 500;
        for (int start = 0; start < test.Count; start += Batch)
        {
            int n = Math.Min(Batch, test.Count - start);
            using TensorScope scope = TensorScope.Begin();
            using NoGradScope noGrad = NoGradScope.Begin();
            float[] logits = network.Forward(Tensor.FromArray(test.Images.AsSpan(start * 784, n * 784).ToArray(), n, 1, 28, 28)).ToArray();
            int[] predicted = TopClass(logits, 10);
            correct += Enumerable.Range(0, n).Count(i => predicted[i] == test.Labels[start + i]);
        }

        double accuracy = (double)correct / test.Count;
        output.WriteLine($"MNIST test accuracy {accuracy:P2} ({correct}/{test.Count})");
        Assert.True(accuracy >= 0.97, $"test accuracy {accuracy:P2}");
    }

    private static float[] EngineLogits(PyTorchProbes probes)
    {
        OnnxNetwork network = OnnxImporter.Load(probes.Model, PyTorchProbes.ModelPath);
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        return network.Forward(Tensor.FromArray(probes.Images, probes.Count, 1, 28, 28)).ToArray();
    }

    /// <summary>The top class of each row of <c>[N,K]</c> logits.</summary>
    private static int[] TopClass(float[] logits, int classes) =>
        [.. Enumerable.Range(0, logits.Length / classes).Select(i => Array.IndexOf(logits, logits.AsSpan(i * classes, classes).ToArray().Max(), i * classes) - (i * classes))];
}
