using FoolingCluster.Models.Import.Onnx;
using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Models.Onnx.Tests.Support;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using Xunit;
using static FoolingCluster.Models.Import.Onnx.Export.OnnxGraphWriter;

namespace FoolingCluster.Models.Onnx.Tests;

/// <summary>Files the importer cannot take are refused at load with an <see cref="InvalidInputException"/> that says why.</summary>
public sealed class OnnxBadFileTests
{
    [Fact]
    public void A_truncated_file_is_refused_naming_the_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("cut.onnx");
        byte[] whole = TestGraphs.LeNetShaped();
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        InvalidInputException e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(path));
        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Garbage_is_refused_naming_the_file(int seed)
    {
        byte[] garbage = new byte[4096];
        new Random(seed).NextBytes(garbage);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(garbage, "noise.onnx"));
        Assert.StartsWith("noise.onnx: not ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Another_protobuf_or_an_empty_file_is_not_a_model()
    {
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load([], "empty.onnx"));
        Assert.Contains("not an ONNX model", e.Message, StringComparison.Ordinal);
        Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load("/nonexistent/model.onnx"));
    }

    [Fact]
    public void An_unsupported_op_is_refused_naming_the_node_and_op()
    {
        byte[] model = Graph(w => w.Node("LRN", "lrn_3", ["input"], ["y"], Int("size", 3)));
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(model, "m.onnx"));
        Assert.Contains("node 'lrn_3' (LRN): the op LRN is not supported by the importer; supported ops: Add, AveragePool, BatchNormalization, ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto_pad", "node 'conv_3' (Conv): auto_pad SAME is not supported")]
    [InlineData("pads", "node 'conv_3' (Conv): pads [1,-1,1,0] (negative pads crop) is not supported")]
    [InlineData("conv1d", "node 'conv_3' (Conv): a 1-D convolution is not supported")]
    [InlineData("unknown", "node 'conv_3' (Conv): attribute 'unknown' is not supported")]
    public void An_unsupported_conv_attribute_is_refused_naming_node_and_attribute(string attribute, string expected)
    {
        Import.Onnx.Proto.AttributeProto attr = attribute switch
        {
            "auto_pad" => String("auto_pad", "SAME"),
            "pads" => Ints("pads", 1, -1, 1, 0),
            "conv1d" => Ints("kernel_shape", 2),
            _ => Int("unknown", 1),
        };
        byte[] model = Graph(w => w.Initializer("k", new float[4 * 4], 4, 1, 2, 2).Node("Conv", "conv_3", ["input", "k"], ["y"], attr));
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(model, "m.onnx"));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dynamic_dimension_other_than_the_batch_is_refused()
    {
        byte[] model = Graph(w => w.Node("Relu", "r", ["input"], ["y"]), dims: [null, 1, null, 8]);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(model, "m.onnx"));
        Assert.Contains("dimension 2 of graph input 'input' is dynamic ('d2'); only the batch dimension (0) may be dynamic", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    public void An_input_of_rank_other_than_4_or_2_is_refused(int rank)
    {
        long?[] dims = [null, .. Enumerable.Repeat<long?>(4, rank - 1)];
        byte[] model = Graph(w => w.Node("Relu", "r", ["input"], ["y"]), dims);
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(model, "m.onnx"));
        Assert.Contains($"has rank {rank}; the importer takes images [N,C,H,W] (rank 4) or flat images [N,F] (rank 2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_graph_exported_for_batch_one_is_refused_when_it_cannot_take_two()
    {
        byte[] model = Graph(w => w.Int64Initializer("shape", [1, 64], 2).Node("Reshape", "reshape", ["input", "shape"], ["y"]));
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(model, "m.onnx"));
        Assert.Contains("does not run on a batch of images [2,1,8,8]: node 'reshape' (Reshape)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_opset_and_metadata_that_disagrees_with_the_graph_are_refused()
    {
        byte[] old = Graph(w => w.Node("Relu", "r", ["input"], ["y"]), opset: 9);
        Assert.Contains("opset 9", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(old, "m.onnx")).Message, StringComparison.Ordinal);
        byte[] lying = Graph(w => w.Node("Relu", "r", ["input"], ["y"]).Metadata(OnnxMetadataKeys.Classes, "10"));
        Assert.Contains("says 10 classes but the graph gives 64", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(lying, "m.onnx")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_names_in_the_metadata_reach_the_description_and_bad_ones_are_refused()
    {
        string[] names = [.. Enumerable.Range(0, 64).Select(i => i == 1 ? "goldfish, Carassius auratus" : $"class {i}")];
        byte[] named = Graph(w => w.Node("Relu", "r", ["input"], ["y"]).Metadata(OnnxMetadataKeys.ClassNames, System.Text.Json.JsonSerializer.Serialize(names)));
        Assert.Equal(names, OnnxImporter.Load(named, "m.onnx").Info.ToSidecar(DateTime.UtcNow).ClassNames);

        byte[] few = Graph(w => w.Node("Relu", "r", ["input"], ["y"]).Metadata(OnnxMetadataKeys.ClassNames, "[\"a\", \"b\"]"));
        Assert.Contains("holds 2 names but the graph gives 64", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(few, "m.onnx")).Message, StringComparison.Ordinal);
        byte[] notJson = Graph(w => w.Node("Relu", "r", ["input"], ["y"]).Metadata(OnnxMetadataKeys.ClassNames, "a,b"));
        Assert.Contains("must be a JSON array of names", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(notJson, "m.onnx")).Message, StringComparison.Ordinal);
        byte[] twice = Graph(w => w.Node("Relu", "r", ["input"], ["y"]).Metadata(OnnxMetadataKeys.ClassNames, "[\"a\", \"a\"]"));
        Assert.Contains("holds \"a\" more than once", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Load(twice, "m.onnx")).Message, StringComparison.Ordinal);
    }

    /// <summary>Input (default <c>[N,1,8,8]</c>) → body writing <c>y</c> → Flatten → logits.</summary>
    private static byte[] Graph(Func<OnnxGraphWriter, OnnxGraphWriter> body, long?[]? dims = null, int opset = 17)
    {
        var w = new OnnxGraphWriter("bad", opset).Input("input", dims ?? [null, 1, 8, 8]);
        return body(w).Node("Flatten", "flatten", ["y"], ["logits"]).Output("logits", null, null).ToBytes();
    }
}
