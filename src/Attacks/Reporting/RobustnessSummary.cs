using System.Text.Json;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Attacks.Reporting;

/// <summary>One norm's two figures in a <see cref="RobustnessSummary"/>.</summary>
/// <param name="Norm">l0, l2 or linf.</param>
/// <param name="Threshold">The radius the accuracy is read at.</param>
/// <param name="Accuracy">Accuracy at <paramref name="Threshold"/>.</param>
/// <param name="Median">Median adversarial distance (+∞ written as null).</param>
/// <param name="Attacks">The attacks run, by catalog name.</param>
public sealed record NormSummary(string Norm, double Threshold, double Accuracy, double? Median, IReadOnlyList<string> Attacks);

/// <summary>
/// The headline figures of one robustness evaluation, written beside its report as
/// robustness.json so that several models' evaluations can be put in one table.
/// </summary>
/// <param name="Model">The model's name.</param>
/// <param name="Images">Images evaluated.</param>
/// <param name="CleanAccuracy">Accuracy before any attack.</param>
/// <param name="Gradients">"exact", or how they were estimated.</param>
/// <param name="Norms">One entry per evaluated norm.</param>
public sealed record RobustnessSummary(string Model, int Images, double CleanAccuracy, string Gradients, IReadOnlyList<NormSummary> Norms)
{
    /// <summary>File name in a run folder.</summary>
    public const string File = "robustness.json";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>The summary of an evaluation.</summary>
    public static RobustnessSummary Of(RobustnessResult result, string model, string gradients)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new RobustnessSummary(model, result.Count, result.CleanAccuracy, gradients, [.. result.Norms.Select(n =>
        {
            double threshold = RobustnessPlan.Threshold(n.Norm);
            double median = n.MedianDistance;
            return new NormSummary(n.Norm, threshold, n.AccuracyWithin(threshold), double.IsFinite(median) ? median : null, [.. n.Attacks.Select(a => a.Attack)]);
        })]);
    }

    /// <summary>The summary as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, s_json);

    /// <summary>Reads robustness.json from a run folder of <c>fooling eval-robustness</c>.</summary>
    /// <exception cref="InvalidInputException">The folder has none, or it does not parse.</exception>
    public static RobustnessSummary Read(string folder)
    {
        string path = Path.Combine(folder, File);
        if (!System.IO.File.Exists(path))
        {
            // A stopped evaluation writes its report of the slices finished but not the summary,
            // so that its figures are never tabulated as a whole evaluation.
            bool partial = System.IO.File.Exists(Path.Combine(folder, "robustness.csv"));
            throw new InvalidInputException(partial
                ? $"{folder} holds a partial evaluation (it was stopped, so it has robustness.csv but no {File}); there is nothing to tabulate: run `./fooling eval-robustness --model …` to the end"
                : $"{folder} has no {File}, so there is nothing to tabulate; `./fooling eval-robustness --model …` writes it");
        }

        string? text = null;
        try
        {
            return JsonSerializer.Deserialize<RobustnessSummary>(text = System.IO.File.ReadAllText(path), s_json)
                ?? throw new InvalidInputException($"{path}: empty");
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException($"{path}: not a robustness summary: {JsonErrorText.Describe(ex, typeof(RobustnessSummary), text)}");
        }
    }
}
