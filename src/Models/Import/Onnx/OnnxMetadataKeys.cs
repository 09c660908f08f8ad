namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// The <c>metadata_props</c> keys the importer reads and the exporter writes. All are optional;
/// without them the description is inferred from the graph's input and output shapes.
/// </summary>
/// <remarks>
/// Lists are comma-separated numbers, e.g. <c>fooling.mean = "0.1307"</c> or
/// <c>"0.485,0.456,0.406"</c>. Set them in PyTorch with
/// <c>m = onnx.load(p); onnx.helper.set_model_props(m, {"fooling.mean": "0.1307"})</c>.
/// </remarks>
public static class OnnxMetadataKeys
{
    /// <summary>Dataset the model classifies, e.g. <c>mnist</c>; default <c>mnist</c> for <c>[1,28,28]</c>, else <c>unknown</c>.</summary>
    public const string Dataset = "fooling.dataset";

    /// <summary>Number of classes; must equal the width of the output <c>[N,K]</c>, which is the default.</summary>
    public const string Classes = "fooling.classes";

    /// <summary>
    /// One image <c>C,H,W</c>; needed only when the graph takes flat <c>[N,F]</c> input and F is
    /// not a square (one channel) or three squares (three channels).
    /// </summary>
    public const string InputShape = "fooling.input_shape";

    /// <summary>Range of the pixel values the model takes, <c>min,max</c>; default <c>0,1</c>.</summary>
    public const string InputRange = "fooling.input_range";

    /// <summary>
    /// Per-channel mean (one value, or one per channel) the model expects subtracted from pixels
    /// in [0,1]; the imported network applies <c>(x − mean) / std</c> itself, so it still takes [0,1].
    /// </summary>
    public const string Mean = "fooling.mean";

    /// <summary>Per-channel standard deviation, paired with <see cref="Mean"/>; default 1.</summary>
    public const string Std = "fooling.std";

    /// <summary>
    /// The classes' names in output order, as a JSON array of strings (names may hold commas),
    /// e.g. <c>["tench", "goldfish", …]</c>: one non-empty, distinct name per class.
    /// </summary>
    public const string ClassNames = "fooling.class_names";
}
