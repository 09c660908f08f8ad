using System.Globalization;
using FoolingCluster.Models.Import.Onnx.Proto;

namespace FoolingCluster.Models.Import.Onnx;

/// <summary>
/// Reads what the model takes from its graph input (<c>[N,C,H,W]</c> or <c>[N,F]</c>, only N
/// dynamic) and from its <c>metadata_props</c> (<see cref="OnnxMetadataKeys"/>).
/// </summary>
internal static class OnnxDescriptionReader
{
    /// <summary>The description, with <see cref="OnnxModelInfo.Classes"/> still 0.</summary>
    /// <exception cref="OnnxFormatException">Not one float input and one output, a rank other than 2 or 4, a dynamic dimension other than the batch, or bad metadata.</exception>
    public static OnnxModelInfo Read(ModelProto model, string path, int opset)
    {
        GraphProto graph = model.Graph;
        var initializers = new HashSet<string>(graph.Initializer.Select(t => t.Name), StringComparer.Ordinal);
        ValueInfoProto[] inputs = [.. graph.Input.Where(i => !initializers.Contains(i.Name))];
        if (inputs.Length != 1)
        {
            throw new OnnxFormatException(path, $"the graph has {inputs.Length} inputs ({string.Join(", ", inputs.Select(i => $"'{i.Name}'"))}); the importer takes a classifier with one image input");
        }

        if (graph.Output.Count != 1)
        {
            throw new OnnxFormatException(path, $"the graph has {graph.Output.Count} outputs; the importer takes a classifier with one output, the logits [N,K]");
        }

        ValueInfoProto input = inputs[0];
        int[] dims = InputDims(input, path);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (StringStringEntryProto entry in model.MetadataProps)
        {
            metadata[entry.Key] = entry.Value;
        }

        int[] image = dims.Length == 4 ? dims[1..] : FlatImageShape(dims[1], metadata, path);
        float[]? mean = PerChannel(metadata, OnnxMetadataKeys.Mean, image[0], path);
        float[]? std = PerChannel(metadata, OnnxMetadataKeys.Std, image[0], path);
        if (std is not null && std.Any(s => !(s > 0f)))
        {
            throw new OnnxFormatException(path, $"metadata {OnnxMetadataKeys.Std} must be positive");
        }

        float[] range = Numbers(metadata, OnnxMetadataKeys.InputRange, path) ?? [0f, 1f];
        if (range.Length != 2 || !(range[0] < range[1]))
        {
            throw new OnnxFormatException(path, $"metadata {OnnxMetadataKeys.InputRange} must be 'min,max' with min < max");
        }

        bool mnistShaped = image.SequenceEqual([1, 28, 28]);
        return new OnnxModelInfo
        {
            InputName = input.Name,
            InputRank = dims.Length,
            ImageShape = image,
            OutputName = graph.Output[0].Name,
            InputRange = range,
            Mean = mean ?? (std is null ? null : new float[image[0]]),
            Std = std ?? (mean is null ? null : Enumerable.Repeat(1f, image[0]).ToArray()),
            Dataset = metadata.GetValueOrDefault(OnnxMetadataKeys.Dataset) ?? (mnistShaped ? "mnist" : "unknown"),
            Opset = opset,
            Metadata = metadata,
            ClassNames = NamesIn(metadata, path),
        };
    }

    /// <summary>
    /// Checks the metadata against the graph's <paramref name="classes"/> scores per image: the
    /// declared count and the number of names must both equal it.
    /// </summary>
    /// <exception cref="OnnxFormatException">They do not.</exception>
    public static void CheckClasses(OnnxModelInfo info, int classes, string path)
    {
        int? declared = DeclaredClasses(info, path);
        if (declared is not null && declared != classes)
        {
            throw new OnnxFormatException(path, $"metadata {OnnxMetadataKeys.Classes} says {declared} classes but the graph gives {classes} scores per image");
        }

        if (info.ClassNames is { } names && names.Count != classes)
        {
            throw new OnnxFormatException(path, $"metadata {OnnxMetadataKeys.ClassNames} holds {names.Count} names but the graph gives {classes} scores per image");
        }
    }

    /// <summary>The names in <see cref="OnnxMetadataKeys.ClassNames"/>, or null when absent.</summary>
    private static string[]? NamesIn(Dictionary<string, string> metadata, string path)
    {
        if (!metadata.TryGetValue(OnnxMetadataKeys.ClassNames, out string? text))
        {
            return null;
        }

        string[]? names;
        try
        {
            names = System.Text.Json.JsonSerializer.Deserialize<string[]>(text);
        }
        catch (System.Text.Json.JsonException)
        {
            names = null;
        }

        if (names is null || names.Length == 0)
        {
            throw new OnnxFormatException(path, $"metadata {OnnxMetadataKeys.ClassNames} must be a JSON array of names, e.g. [\"tench\", \"goldfish\"]");
        }

        if (names.Any(string.IsNullOrWhiteSpace))
        {
            throw new OnnxFormatException(path, $"metadata {OnnxMetadataKeys.ClassNames} holds an empty name");
        }

        if (names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new OnnxFormatException(path, $"metadata {OnnxMetadataKeys.ClassNames} holds \"{twice.Key}\" more than once");
        }

        return names;
    }

    /// <summary>The number of classes the metadata declares, or null.</summary>
    public static int? DeclaredClasses(OnnxModelInfo info, string path)
    {
        if (!info.Metadata.TryGetValue(OnnxMetadataKeys.Classes, out string? text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k > 0
            ? k
            : throw new OnnxFormatException(path, $"metadata {OnnxMetadataKeys.Classes} is '{text}'; expected a positive whole number");
    }

    /// <summary>The input's dimensions, the batch (dynamic or not) as 0.</summary>
    private static int[] InputDims(ValueInfoProto input, string path)
    {
        TypeProto.Types.Tensor? type = input.Type?.TensorType;
        if (type is null)
        {
            throw new OnnxFormatException(path, $"graph input '{input.Name}' is not a tensor");
        }

        if (type.ElemType != (int)TensorProto.Types.DataType.Float)
        {
            throw new OnnxFormatException(path, $"graph input '{input.Name}' has element type {OnnxTensorData.TypeName(type.ElemType)}; the importer feeds float32 images");
        }

        if (type.Shape is null)
        {
            throw new OnnxFormatException(path, $"graph input '{input.Name}' declares no shape; the importer needs [N,C,H,W] or [N,F]");
        }

        int rank = type.Shape.Dim.Count;
        if (rank is not 4 and not 2)
        {
            throw new OnnxFormatException(path, $"graph input '{input.Name}' has rank {rank}; the importer takes images [N,C,H,W] (rank 4) or flat images [N,F] (rank 2)");
        }

        int[] dims = new int[rank];
        for (int i = 1; i < rank; i++)
        {
            TensorShapeProto.Types.Dimension d = type.Shape.Dim[i];
            if (d.ValueCase != TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue || d.DimValue < 1 || d.DimValue > int.MaxValue)
            {
                string what = d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? $"dynamic ('{d.DimParam}')" : d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.None ? "unknown" : $"{d.DimValue}";
                throw new OnnxFormatException(path, $"dimension {i} of graph input '{input.Name}' is {what}; only the batch dimension (0) may be dynamic, the others must be fixed positive sizes");
            }

            dims[i] = (int)d.DimValue;
        }

        return dims;
    }

    /// <summary>The image behind a flat input of <paramref name="features"/> values.</summary>
    private static int[] FlatImageShape(int features, Dictionary<string, string> metadata, string path)
    {
        float[]? declared = Numbers(metadata, OnnxMetadataKeys.InputShape, path);
        if (declared is not null)
        {
            int[] shape = [.. declared.Select(v => (int)v)];
            if (shape.Length != 3 || shape.Any(d => d < 1) || (long)shape[0] * shape[1] * shape[2] != features)
            {
                throw new OnnxFormatException(path, $"metadata {OnnxMetadataKeys.InputShape} '{metadata[OnnxMetadataKeys.InputShape]}' is not C,H,W with C·H·W = {features}, the width of the flat input");
            }

            return shape;
        }

        foreach (int channels in new[] { 1, 3 })
        {
            int side = (int)Math.Round(Math.Sqrt(features / (double)channels));
            if (channels * side * side == features)
            {
                return [channels, side, side];
            }
        }

        throw new OnnxFormatException(path, $"the graph takes flat inputs of {features} values, which is not one or three square channels; set metadata {OnnxMetadataKeys.InputShape} to C,H,W");
    }

    /// <summary>A per-channel list: one value (repeated) or one per channel.</summary>
    private static float[]? PerChannel(Dictionary<string, string> metadata, string key, int channels, string path)
    {
        float[]? values = Numbers(metadata, key, path);
        if (values is null)
        {
            return null;
        }

        if (values.Length == 1)
        {
            return Enumerable.Repeat(values[0], channels).ToArray();
        }

        return values.Length == channels
            ? values
            : throw new OnnxFormatException(path, $"metadata {key} has {values.Length} values; expected 1 or {channels} (one per channel)");
    }

    private static float[]? Numbers(Dictionary<string, string> metadata, string key, string path)
    {
        if (!metadata.TryGetValue(key, out string? text))
        {
            return null;
        }

        string[] parts = text.Split(',', StringSplitOptions.TrimEntries);
        float[] values = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
            {
                throw new OnnxFormatException(path, $"metadata {key} is '{text}'; expected comma-separated numbers");
            }
        }

        return values;
    }
}
