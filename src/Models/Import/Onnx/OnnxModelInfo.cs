using FoolingCluster.Models.Checkpoints;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>What an imported ONNX model takes and gives, read from its graph and metadata.</summary>
public sealed record OnnxModelInfo
{
    /// <summary>Architecture name the sidecar of an imported model carries.</summary>
    public const string ArchitectureName = "onnx";

    /// <summary>Name of the graph's input.</summary>
    public required string InputName { get; init; }

    /// <summary>Rank of the graph's input: 4 for <c>[N,C,H,W]</c>, 2 for flat <c>[N,C·H·W]</c>.</summary>
    public required int InputRank { get; init; }

    /// <summary>One image <c>[C,H,W]</c>.</summary>
    public required int[] ImageShape { get; init; }

    /// <summary>Name of the graph's output, the logits <c>[N,K]</c>.</summary>
    public required string OutputName { get; init; }

    /// <summary>Number of classes K; 0 until the graph has been run once at load.</summary>
    public int Classes { get; init; }

    /// <summary>Pixel range the network takes, <c>[min,max]</c>.</summary>
    public required float[] InputRange { get; init; }

    /// <summary>Per-channel mean subtracted before the graph runs (length C), or null.</summary>
    public float[]? Mean { get; init; }

    /// <summary>Per-channel standard deviation divided by before the graph runs (length C), or null.</summary>
    public float[]? Std { get; init; }

    /// <summary>Dataset the model classifies.</summary>
    public required string Dataset { get; init; }

    /// <summary>Version of the standard operator set the file was written against.</summary>
    public required int Opset { get; init; }

    /// <summary>Every <c>metadata_props</c> entry of the file.</summary>
    public required IReadOnlyDictionary<string, string> Metadata { get; init; }

    /// <summary>The classes' names from <see cref="OnnxMetadataKeys.ClassNames"/>, or null.</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>The model's description as the sidecar built-in models carry.</summary>
    /// <param name="createdUtc">When the model file was written.</param>
    public ModelSidecar ToSidecar(DateTime createdUtc) => new()
    {
        Architecture = ArchitectureName,
        Dataset = Dataset,
        InputShape = (int[])ImageShape.Clone(),
        InputRange = (float[])InputRange.Clone(),
        Classes = Classes,
        ClassNames = ClassNames,
        CreatedUtc = createdUtc,
    };
}
