using System.CommandLine;
using FoolingCluster.Cli.Evolution;
using FoolingCluster.Cli.ModelFiles;
using FoolingCluster.Cli.Output;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Export;
using FoolingCluster.Runs.Reporting;
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
            ClassLabels runLabels = ClassLabels.ForRun(saved.Folder);
            TextWriter console = parse.InvocationConfiguration.Output;
            foreach (string other in parse.GetValue(to)!)
            {
                (var loaded, ModuleClassifier classifier) = TargetModel.Load(other, console: console);
                IReadOnlyList<TransferRow> rows = TransferCheck.Run(saved, classifier);

                // Both models classify into the same classes; the run's names, or the other's where the run has none.
                ClassLabels labels = runLabels.Names is null ? new ClassLabels(loaded.Sidecar.ClassNames) : runLabels;
                console.Write(TransferTable.Text(saved.Folder, other, loaded.Sidecar.Architecture, rows, labels));
                string csv = Path.Combine(saved.Folder, $"transfer-{Path.GetFileNameWithoutExtension(other)}.csv");
                AtomicFile.WriteAllText(csv, TransferTable.Csv(rows, labels));
                console.WriteLine($"  (also in {csv})");
            }

            return FoolingApp.Success;
        });
        return command;
    }
}
