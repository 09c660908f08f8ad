using System.Globalization;

namespace FoolingCluster.Bench;

/// <summary>
/// Figures of another engine read from a markdown table in the same form as ours
/// (<c>| figure | value | unit |</c>), e.g. <c>bench/results/pytorch-reference.md</c>.
/// </summary>
public static class ReferenceFigures
{
    /// <summary>Figure name → value.</summary>
    /// <exception cref="Tensors.InvalidInputException">The file is missing or holds no figures.</exception>
    public static IReadOnlyDictionary<string, double> Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new Tensors.InvalidInputException($"reference figures {path} not found; produce them with bench/pytorch/lenet_reference.py");
        }

        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(path))
        {
            string[] cells = line.Split('|', StringSplitOptions.TrimEntries);
            if (cells.Length == 5 && double.TryParse(cells[2].Replace(",", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                figures[cells[1]] = value;
            }
        }

        return figures.Count > 0 ? figures : throw new Tensors.InvalidInputException($"{path}: no '| figure | value | unit |' rows found");
    }

    /// <summary>How many times better ours is: a rate divided by the reference's, or the reference's time divided by ours.</summary>
    public static double Speedup(Figure ours, double reference) =>
        ours.Unit == "s" ? reference / ours.Value : ours.Value / reference;
}
