using System.Globalization;
using System.Text;
using FoolingCluster.Evolution.Archive;
using FoolingCluster.Runs.Reporting;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Runs;

/// <summary>Reads and appends <c>history.csv</c>: one row per generation.</summary>
public static class HistoryCsv
{
    private const string FixedColumns = "generation,evaluations,seconds,evals_per_second,filled,min_confidence,median_confidence,max_confidence,qd_score,cells_at_99,cells_at_9999";

    /// <summary>The header line for <paramref name="cells"/> cells.</summary>
    public static string Header(int cells) => Header(cells, ClassLabels.None);

    /// <summary>
    /// The header line for <paramref name="cells"/> cells, each cell's column named by its label:
    /// <c>confidence_1 goldfish</c> when the model names its classes (quoted when the name holds a
    /// comma), <c>confidence_1</c> otherwise.
    /// </summary>
    public static string Header(int cells, ClassLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return FixedColumns + string.Concat(Enumerable.Range(0, cells).Select(c => "," + CsvText.Field($"confidence_{labels.Label(c)}")));
    }

    /// <summary>One row.</summary>
    public static string Row(GenerationRecord r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var line = new StringBuilder();
        CultureInfo inv = CultureInfo.InvariantCulture;
        ArchiveStats s = r.Stats;
        line.Append(inv, $"{r.Generation},{r.Evaluations},{r.SearchSeconds:F3},{r.EvaluationsPerSecond:F0},{s.Filled},{s.MinConfidence:R},{s.MedianConfidence:R},{s.MaxConfidence:R},{s.QdScore:R},{s.AtLeast99},{s.AtLeast9999}");
        foreach (float c in r.CellConfidences)
        {
            line.Append(inv, $",{c:R}");
        }

        return line.ToString();
    }

    /// <summary>Appends rows, writing the header first if the file is new (its cell columns named by <paramref name="labels"/>, by index when null).</summary>
    public static void Append(string path, IEnumerable<GenerationRecord> records, int cells, ClassLabels? labels = null)
    {
        bool fresh = !File.Exists(path) || new FileInfo(path).Length == 0;
        using var writer = new StreamWriter(path, append: true);
        if (fresh)
        {
            writer.WriteLine(Header(cells, labels ?? ClassLabels.None));
        }

        foreach (GenerationRecord r in records)
        {
            writer.WriteLine(Row(r));
        }
    }

    /// <summary>Reads every complete row; a torn last line (a crash mid-write) is ignored.</summary>
    public static List<GenerationRecord> Read(string path, int generations)
    {
        var records = new List<GenerationRecord>();
        if (!File.Exists(path))
        {
            return records;
        }

        // Every complete line ends with a newline, so the last piece is empty or a torn line.
        string[] lines = File.ReadAllText(path).Split('\n')[..^1];

        // A class name in the header may hold a comma inside quotes; the rows hold numbers only.
        int columns = lines.Length == 0 ? 0 : CsvText.Split(lines[0].TrimEnd('\r')).Count;
        for (int i = 1; i < lines.Length; i++)
        {
            if (TryParse(lines[i].TrimEnd('\r'), generations, columns) is GenerationRecord r)
            {
                records.Add(r);
            }
        }

        return records;
    }

    /// <summary>Keeps only rows of generations before <paramref name="nextGeneration"/> (rows written after the last snapshot are redone on resume).</summary>
    public static void Truncate(string path, int nextGeneration, int cells, int generations, ClassLabels? labels = null)
    {
        List<GenerationRecord> kept = Read(path, generations).Where(r => r.Generation < nextGeneration).ToList();
        string temp = path + ".tmp";
        File.Delete(temp);
        Append(temp, kept, cells, labels);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>One row as <see cref="Row"/> writes it, for a search with <paramref name="cells"/> cells; null when it is not one.</summary>
    public static GenerationRecord? ParseRow(string row, int cells, int generations)
    {
        ArgumentNullException.ThrowIfNull(row);
        return TryParse(row, generations, FixedColumns.Split(',').Length + cells);
    }

    private static GenerationRecord? TryParse(string line, int generations, int columns)
    {
        string[] f = line.Split(',');
        CultureInfo inv = CultureInfo.InvariantCulture;
        const int fixedCount = 11;
        if (f.Length <= fixedCount || f.Length != columns)
        {
            return null;
        }

        try
        {
            float[] cells = f[fixedCount..].Select(v => float.Parse(v, inv)).ToArray();
            var stats = new ArchiveStats(cells.Length, int.Parse(f[4], inv), float.Parse(f[5], inv), float.Parse(f[6], inv), float.Parse(f[7], inv), double.Parse(f[8], inv), int.Parse(f[9], inv), int.Parse(f[10], inv));
            return new GenerationRecord(int.Parse(f[0], inv), generations, long.Parse(f[1], inv), double.Parse(f[2], inv), double.Parse(f[3], inv), stats, cells);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
