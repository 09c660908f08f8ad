using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Transfer;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// One transfer experiment: an attack at one ε crafted on each of several saved models over the
/// first N test images, every model classifying every model's adversarials.
/// </summary>
/// <param name="Models">M ≥ 2 loaded models, rows and columns in this order.</param>
/// <param name="Names">M distinct names for the tables (the weights files' names).</param>
/// <param name="Data">The N labelled images.</param>
/// <param name="CreateAttack">Builds the attack afresh for each source model.</param>
/// <param name="Epsilon">The radius.</param>
/// <param name="SliceSize">Images attacked at once.</param>
/// <param name="CommandLine">The command as typed, for the report.</param>
/// <param name="Probes">Gradient probes as <see cref="AttackTargets.For"/> takes them: 0 for each model's own (ABS: estimated).</param>
/// <param name="Seed">Seed of the probe directions.</param>
internal sealed record TransferAttackRun(
    IReadOnlyList<LoadedModel> Models,
    IReadOnlyList<string> Names,
    ImageDataset Data,
    Func<GradientDescentAttack> CreateAttack,
    float Epsilon,
    int SliceSize,
    string CommandLine,
    int Probes = 0,
    int Seed = 0)
{
    /// <summary>The attack as the report describes it.</summary>
    public GradientDescentAttack Attack { get; } = CreateAttack();

    /// <summary>A line for each model whose gradients are estimated rather than its own, naming it.</summary>
    public IEnumerable<string> GradientNotes() =>
        Models.Select((m, i) => AttackTargets.GradientNote(m.Model, Probes) is string note ? $"{Names[i]}: {note}" : null).OfType<string>();

    public TransferMatrix Execute(IProgress<TransferProgress>? progress, CancellationToken cancel)
    {
        TransferModel[] models = [.. Models.Select((m, i) => new TransferModel(Names[i], AttackTargets.For(m.Model, Probes, Seed)))];
        int[] labels = [.. Data.Labels.Select(l => (int)l)];
        Tensor images = Tensor.Wrap(Data.Images, Data.Count, Data.Channels, Data.Height, Data.Width);
        return TransferMeasurement.Run(models, CreateAttack, Epsilon, images, labels, SliceSize, progress, cancel);
    }
}
