using System.CommandLine;
using FoolingCluster.Cli.ModelFiles;
using System.Globalization;
using System.Text;
using FoolingCluster.Cli.Evolution;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Export;
using FoolingCluster.Evolution.Reporting;
using FoolingCluster.Evolution.Runs;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling transfer</c>: each elite's confidence under other models (Nguyen et al. 2015 §3.5).</summary>
internal static class TransferCommand
{
    public static Command Build()
    {
        var run = new Argument<string>("run") { Description = "run folder of `fooling run` (runs/<id>)" };
        var to = new Option<string[]>("--to") { Description = "another model: weights (.safetensors with its sidecar) or an ONNX classifier (.onnx); repeat for several", Required = true, AllowMultipleArgumentsPerToken = true };
        var command = new Command("transfer", "Classify a run's elites with other models: does an image that fools one network fool another?") { run, to };
        command.SetAction(parse =>
        {
            SavedRun saved = SavedRun.Load(parse.GetValue(run)!);
            TextWriter console = parse.InvocationConfiguration.Output;
            foreach (string other in parse.GetValue(to)!)
            {
                (var loaded, ModuleClassifier classifier) = TargetModel.Load(other, console: console);
                IReadOnlyList<TransferRow> rows = TransferCheck.Run(saved, classifier);
                string table = Table(saved, other, loaded.Sidecar.Architecture, rows);
                console.Write(table);
                string csv = Path.Combine(saved.Folder, $"transfer-{Path.GetFileNameWithoutExtension(other)}.csv");
                AtomicFile.WriteAllText(csv, Csv(rows));
                console.WriteLine($"  (also in {csv})");
            }

            return FoolingApp.Success;
        });
        return command;
    }

    private static string Table(SavedRun run, string other, string architecture, IReadOnlyList<TransferRow> rows)
    {
        CultureInfo inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"elites of {run.Folder} under {other} ({architecture}):");
        text.AppendLine("  class   run model   other model   other's top class");
        foreach (TransferRow r in rows)
        {
            text.AppendLine(inv, $"  {r.Cell,5}   {ConfidenceText.Percent(r.RunConfidence),9}   {ConfidenceText.Percent(r.OtherConfidence),11}   {r.OtherTopClass} ({ConfidenceText.Percent(r.OtherTopConfidence)})");
        }

        int stillFooled = rows.Count(r => r.OtherConfidence >= 0.99f);
        double median = rows.Count == 0 ? 0 : rows.Select(r => (double)r.OtherConfidence).Order().ElementAt(rows.Count / 2);
        text.AppendLine(inv, $"  {stillFooled} of {rows.Count} elites reach ≥ 99% for their class under the other model; {rows.Count(r => r.OtherTopClass == r.Cell)} keep their class as its top class; median {ConfidenceText.Percent(median)}");
        return text.ToString();
    }

    private static string Csv(IReadOnlyList<TransferRow> rows)
    {
        var csv = new StringBuilder("class,run_confidence,other_confidence,other_top_class,other_top_confidence\n");
        foreach (TransferRow r in rows)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{r.Cell},{r.RunConfidence:R},{r.OtherConfidence:R},{r.OtherTopClass},{r.OtherTopConfidence:R}\n");
        }

        return csv.ToString();
    }
}
