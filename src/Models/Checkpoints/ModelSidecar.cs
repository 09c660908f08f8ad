using System.Text.Json;
using System.Text.Json.Serialization;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Models.Checkpoints;

/// <summary>
/// The JSON file kept beside a model's weights (<c>lenet.safetensors</c> → <c>lenet.json</c>):
/// what the weights are for (architecture, dataset, input shape and range, classes), how
/// well they do, and how they were trained. Property names are snake_case so the file is
/// as easy to read from Python as the weights are; fields it does not know are ignored.
/// </summary>
public sealed record ModelSidecar
{
    /// <summary>Value of <see cref="Engine"/> for files this project writes.</summary>
    public const string EngineName = "FoolingCluster";

    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        RespectNullableAnnotations = true,
    };

    /// <summary>Architecture name, e.g. <c>lenet</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>Dataset the model classifies, e.g. <c>mnist</c>.</summary>
    public required string Dataset { get; init; }

    /// <summary>Shape of one input image <c>[C,H,W]</c>, e.g. <c>[1,28,28]</c>.</summary>
    public required int[] InputShape { get; init; }

    /// <summary>Range of input pixel values <c>[min,max]</c>, e.g. <c>[0,1]</c>.</summary>
    public required float[] InputRange { get; init; }

    /// <summary>Number of output classes.</summary>
    public required int Classes { get; init; }

    /// <summary>
    /// The output that stands for "a fooling image, none of the real classes" (Nguyen et al. 2015,
    /// §3.6: the n+1 class retraining adds); it is always the last. Null for an ordinary classifier.
    /// Searches target only the other classes.
    /// </summary>
    public int? FoolingClass { get; init; }

    /// <summary>The classes other than the fooling class: what searches and exports work with.</summary>
    [JsonIgnore]
    public int RealClasses => FoolingClass is null ? Classes : Classes - 1;

    /// <summary>
    /// Names of the real classes in output order (e.g. <c>["tench", "goldfish", …]</c>), one per
    /// class other than the fooling class; null when the model does not name them, and cells are
    /// then shown by index alone.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Accuracy measured on the test split, in [0,1]; null when not measured.</summary>
    public double? TestAccuracy { get; init; }

    /// <summary>How the weights were trained; null for weights imported from elsewhere.</summary>
    public TrainingDetails? Training { get; init; }

    /// <summary>How an ABS model classifies (architecture <c>abs</c> only); null for other models.</summary>
    public Abs.AbsSettings? Abs { get; init; }

    /// <summary>When the weights were written (UTC; stored as ISO-8601 with a <c>Z</c>).</summary>
    public required DateTime CreatedUtc { get; init; }

    /// <summary>Program that wrote the file.</summary>
    public string Engine { get; init; } = EngineName;

    /// <summary>The sidecar path for a weights file: same folder and name, extension <c>.json</c>.</summary>
    public static string PathFor(string weightsPath)
    {
        ArgumentNullException.ThrowIfNull(weightsPath);
        return Path.ChangeExtension(weightsPath, ".json");
    }

    /// <summary>Writes the sidecar as indented JSON, atomically (temporary file, then rename).</summary>
    public void Save(string path)
    {
        ModelSidecar normalised = this with { CreatedUtc = ToUtc(CreatedUtc) };
        using var file = AtomicFile.Create(path);
        JsonSerializer.Serialize(file.Stream, normalised, s_json);
        file.Commit();
    }

    /// <summary>Reads and validates a sidecar.</summary>
    /// <exception cref="InvalidInputException">The file does not exist.</exception>
    /// <exception cref="CheckpointFormatException">The file is not valid JSON, lacks a field, or holds an impossible value.</exception>
    public static ModelSidecar Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new InvalidInputException($"model sidecar {path} does not exist");
        }

        ModelSidecar? sidecar;
        string? text = null;
        try
        {
            sidecar = JsonSerializer.Deserialize<ModelSidecar>(text = File.ReadAllText(path), s_json);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"not a valid model sidecar: {JsonErrorText.Describe(e, typeof(ModelSidecar), text)}", e);
        }

        if (sidecar is null)
        {
            throw new CheckpointFormatException(path, "not a valid model sidecar: the file holds JSON null");
        }

        sidecar.Validate(path);
        return sidecar with { CreatedUtc = ToUtc(sidecar.CreatedUtc) };
    }

    private void Validate(string path)
    {
        if (string.IsNullOrWhiteSpace(Architecture))
        {
            throw new CheckpointFormatException(path, "architecture is empty");
        }

        if (string.IsNullOrWhiteSpace(Dataset))
        {
            throw new CheckpointFormatException(path, "dataset is empty");
        }

        if (InputShape is null || InputShape.Length == 0 || InputShape.Any(d => d <= 0))
        {
            throw new CheckpointFormatException(path, $"input_shape must be a non-empty list of positive sizes, found {(InputShape is null ? "null" : Tensor.ShapeString(InputShape))}");
        }

        if (InputRange is null || InputRange.Length != 2 || !(InputRange[0] < InputRange[1]))
        {
            throw new CheckpointFormatException(path, $"input_range must be [min,max] with min < max, found {(InputRange is null ? "null" : "[" + string.Join(",", InputRange) + "]")}");
        }

        if (Classes < 1)
        {
            throw new CheckpointFormatException(path, $"classes must be at least 1, found {Classes}");
        }

        if (FoolingClass is int fooling && (Classes < 3 || fooling != Classes - 1))
        {
            throw new CheckpointFormatException(path, $"fooling_class must be the last class ({Classes - 1}) of at least 3, found {fooling}");
        }

        if (ClassNames is not null && ClassNames.Count != RealClasses)
        {
            throw new CheckpointFormatException(path, $"class_names holds {ClassNames.Count} names, but the model has {RealClasses} real classes, so it must hold {RealClasses}");
        }

        if (ClassNames is not null && ClassNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new CheckpointFormatException(path, "class_names holds an empty name");
        }

        // Two classes of one name would make every table, picture and page that shows names ambiguous.
        if (ClassNames?.Select((name, index) => (name, index)).GroupBy(n => n.name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new CheckpointFormatException(path, $"class_names holds \"{twice.Key}\" more than once (classes {string.Join(" and ", twice.Select(n => n.index))}); each class needs a name of its own");
        }

        if (Architecture == Models.Abs.AbsCheckpoint.ArchitectureName)
        {
            if (Abs is null)
            {
                throw new CheckpointFormatException(path, "an abs model's sidecar needs its \"abs\" settings");
            }

            Abs.Validate(path);
        }
        else if (Abs is not null)
        {
            // Settings that belong to another architecture would be ignored without a word: the
            // file was most likely edited or copied from an ABS model's sidecar by mistake.
            throw new CheckpointFormatException(path, $"key 'abs' holds settings of an abs model, but this sidecar's architecture is '{Architecture}'; remove the key or set it to null");
        }

        if (TestAccuracy is double accuracy && !(accuracy >= 0 && accuracy <= 1))
        {
            throw new CheckpointFormatException(path, $"test_accuracy must lie in [0,1], found {accuracy}");
        }
    }

    private static DateTime ToUtc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Utc => time,
        DateTimeKind.Local => time.ToUniversalTime(),
        _ => DateTime.SpecifyKind(time, DateTimeKind.Utc),
    };
}
