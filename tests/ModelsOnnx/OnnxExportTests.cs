using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Models.Onnx.Tests.Support;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tests.Shared;
using Xunit;
using Xunit.Abstractions;

namespace FoolingCluster.Models.Onnx.Tests;

/// <summary>The built-in networks written as ONNX run in ONNX Runtime and import back with the engine's outputs.</summary>
public sealed class OnnxExportTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("lenet")]
    [InlineData("mlp")]
    public void Exported_network_gives_the_engine_outputs_in_onnx_runtime_and_when_imported_back(string architecture)
    {
        Module model = Architecture.Create(architecture, seed: 3);
        model.Eval();
        using var dir = new TempDirectory();
        string path = dir.File(architecture + ".onnx");
        OnnxExporter.Write(model, path);

        int[] shape = [4, 1, 28, 28];
        float[] images = Agreement.Images(shape, seed: 9);
        float[] engine = Forward(model, images, shape);
        (float[] runtime, long[] runtimeShape) = OnnxRuntimeReference.Run(File.ReadAllBytes(path), images, 4, 1, 28, 28);
        Assert.Equal([4L, 10L], runtimeShape);
        double ortDiff = Agreement.AssertClose(engine, runtime);

        LoadedModel loaded = OnnxImporter.LoadModel(path);
        double importDiff = Agreement.AssertClose(engine, Forward(loaded.Model, images, shape));
        output.WriteLine($"{architecture}: ONNX Runtime max abs diff {ortDiff:E2}, imported back {importDiff:E2}");

        Assert.Equal(model.StateDict().Keys.Order(), loaded.Model.StateDict().Keys.Order());
        Assert.Equal("onnx", loaded.Sidecar.Architecture);
        Assert.Equal("mnist", loaded.Sidecar.Dataset);
        Assert.Equal(10, loaded.Sidecar.Classes);
        Assert.Equal([1, 28, 28], loaded.Sidecar.InputShape);
        Assert.Equal([0f, 1f], loaded.Sidecar.InputRange);
    }

    [Fact]
    public void Imported_lenet_pools_its_convolutions_as_they_are_copied_out_with_the_bits_of_the_ops_one_after_the_other()
    {
        Module model = Architecture.Create("lenet", seed: 3);
        model.Eval();
        byte[] bytes = OnnxExporter.Build(model).ToBytes();
        OnnxNetwork network = OnnxImporter.Load(bytes, "lenet");
        network.Eval();
        OnnxNetwork separate = OnnxImporter.Load(bytes, "lenet");
        separate.Eval();

        // Conv+MaxPool twice, then the flattening, Gemm, Relu and Gemm.
        Assert.Equal(6, network.StepCount);
        int[] shape = [5, 1, 28, 28];
        float[] images = Agreement.Images(shape, seed: 4);
        float[] fused = Forward(network, images, shape);

        // On the tape the fused steps run the convolution and the pooling one after the other.
        using TensorScope scope = TensorScope.Begin();
        Tensor x = Tensor.FromArray(images, shape);
        x.RequiresGrad = true;
        Assert.Equal(separate.Forward(x).ToArray(), fused);
    }

    [Fact]
    public void A_network_the_exporter_does_not_know_is_refused()
    {
        var e = Assert.Throws<InvalidInputException>(() => OnnxExporter.Build(new Sequential(new MaxPool2d(2, 2))));
        Assert.Contains("cannot be written as ONNX; the exporter writes lenet and mlp", e.Message, StringComparison.Ordinal);
    }

    private static float[] Forward(Module model, float[] images, int[] shape)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        return model.Forward(Tensor.FromArray(images, shape)).ToArray();
    }
}
