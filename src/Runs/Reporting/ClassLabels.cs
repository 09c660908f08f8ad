using System.Globalization;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Runs;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Runs.Reporting;

/// <summary>
/// How a run shows its cells: "index name" (<c>1 goldfish</c>) when the target model's sidecar
/// names its classes, the index alone otherwise. Every report, picture, page and log line that
/// shows a cell takes its text from here, so they agree.
/// </summary>
public sealed class ClassLabels
{
    private readonly IReadOnlyList<string>? _names;

    /// <summary>Labels from <paramref name="names"/>, one per cell in cell order; null for unnamed classes.</summary>
    public ClassLabels(IReadOnlyList<string>? names)
    {
        _names = names;
    }

    /// <summary>Cells shown by index alone.</summary>
    public static ClassLabels None { get; } = new(null);

    /// <summary>The class names in cell order; null when the model does not name them.</summary>
    public IReadOnlyList<string>? Names => _names;

    /// <summary>The name of <paramref name="cell"/>; null when it has none.</summary>
    public string? Name(int cell) => _names is not null && cell >= 0 && cell < _names.Count ? _names[cell] : null;

    /// <summary>"1 goldfish", or "1" without names.</summary>
    public string Label(int cell) => Name(cell) is string name
        ? string.Create(CultureInfo.InvariantCulture, $"{cell} {name}")
        : cell.ToString(CultureInfo.InvariantCulture);

    /// <summary>The name of <paramref name="cell"/> as one CSV field (quoted when it holds a comma or a quote); empty when it has none.</summary>
    public string CsvName(int cell) => CsvText.Field(Name(cell) ?? string.Empty);

    /// <summary>A caption or log prefix: "1 goldfish", or "class 1" without names.</summary>
    public string Caption(int cell) => Name(cell) is not null
        ? Label(cell)
        : string.Create(CultureInfo.InvariantCulture, $"class {cell}");

    /// <summary>The labels of the model a run folder holds (its copy <see cref="RunFiles.Model"/> and that copy's sidecar); none if it has no readable sidecar.</summary>
    public static ClassLabels ForRun(string runFolder)
    {
        string sidecar = ModelSidecar.PathFor(Path.Combine(runFolder, RunFiles.Model));
        if (!File.Exists(sidecar))
        {
            return None;
        }

        try
        {
            return new ClassLabels(ModelSidecar.Load(sidecar).ClassNames);
        }
        catch (CheckpointFormatException)
        {
            // The run's own checks report a damaged model copy; labels fall back to indices.
            return None;
        }
    }
}
