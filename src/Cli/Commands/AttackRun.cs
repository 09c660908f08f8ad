using System.Diagnostics;
using System.Globalization;
using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Attacks.Reporting;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// The attack a <c>fooling attack</c> runs: a fixed-ε attack with its radius, or an attack that
/// looks for the smallest adversarial itself.
/// </summary>
internal sealed class ChosenAttack
{
    private ChosenAttack(string name, Distance distance, string description, float? epsilon, FixedEpsilonAttack? fixedEpsilon, IMinimizingAttack? minimizing)
    {
        Name = name;
        Distance = distance;
        Description = description;
        Epsilon = epsilon;
        FixedEpsilon = fixedEpsilon;
        Minimizing = minimizing;
    }

    public string Name { get; }

    public Distance Distance { get; }

    public string Description { get; }

    /// <summary>The radius of a fixed-ε attack; null for one that minimises.</summary>
    public float? Epsilon { get; }

    public FixedEpsilonAttack? FixedEpsilon { get; }

    public IMinimizingAttack? Minimizing { get; }

    /// <summary>Builds the named attack, checking that ε is given exactly when the attack takes one, and within its norm's range.</summary>
    /// <param name="values">Values per attacked image, C·H·W, which bound ε under L2 and L0.</param>
    /// <exception cref="InvalidInputException">Unknown names, or ε missing, superfluous or out of range.</exception>
    public static ChosenAttack Create(string name, string? norm, float? epsilon, int? steps, int seed, int values)
    {
        if (AttackCatalog.TakesEpsilon(name))
        {
            if (epsilon is not float e)
            {
                throw new InvalidInputException($"{name} attacks within a radius: give it with --eps");
            }

            FixedEpsilonAttack attack = AttackCatalog.CreateFixedEpsilon(name, norm, steps, seed);
            Radius.Check("--eps", e, attack.Distance, values);
            return new ChosenAttack(attack.Name, attack.Distance, attack.Describe(), e, attack, null);
        }

        IMinimizingAttack minimizing = AttackCatalog.CreateMinimizing(name, norm, [1f], steps, seed);
        if (epsilon is not null)
        {
            throw new InvalidInputException($"{name} looks for the smallest adversarial itself and takes no --eps; attacks with an ε: {string.Join(", ", AttackCatalog.Names.Where(AttackCatalog.TakesEpsilon))}");
        }

        return new ChosenAttack(minimizing.Name, minimizing.Distance, minimizing.Describe(), null, null, minimizing);
    }

    /// <summary>A line on the step size and steps for gradient attacks; null for the others.</summary>
    public string? StepsLine() => FixedEpsilon is GradientDescentAttack g && Epsilon is float e
        ? string.Create(CultureInfo.InvariantCulture, $"step size {g.StepSize(e):G6}; steps {g.Steps}")
        : null;

    /// <summary>Runs the attack: adversarials <c>[N,C,H,W]</c> and success flags.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled during the attack.</exception>
    public (Tensor Adversarials, bool[] Success) Run(IAttackModel model, Tensor inputs, Criterion criterion, CancellationToken cancel)
    {
        if (FixedEpsilon is not null)
        {
            AttackResult result = FixedEpsilon.Run(model, inputs, criterion, [Epsilon!.Value], cancel);
            bool[] success = Enumerable.Range(0, inputs.Shape[0]).Select(i => result.Success[0, i]).ToArray();
            return (result.Clipped[0], success);
        }

        MinimizationResult found = Minimizing!.Minimize(model, inputs, criterion, cancel);
        return (found.Adversarials, found.Success);
    }
}

/// <summary>One attack on one model and one labelled set, with everything the output folder needs.</summary>
/// <param name="Model">The attacked model.</param>
/// <param name="Data">The labelled images.</param>
/// <param name="Attack">The attack and its radius.</param>
/// <param name="Target">The class of a targeted attack; null for an untargeted one.</param>
/// <param name="CommandLine">The command as typed, for the summary.</param>
/// <param name="Probes">Gradient probes as <see cref="AttackTargets.For"/> takes them: 0 for the model's own (ABS: estimated).</param>
/// <param name="Seed">Seed of the probe directions.</param>
/// <param name="BatchSize">Images attacked at once.</param>
/// <remarks>
/// The images go through in batches of <see cref="BatchSize"/>, and a stop keeps the batches
/// finished before it. A randomised attack draws afresh from its seed for every batch, so its
/// figures depend on the batch size as well as on the seed.
/// </remarks>
internal sealed record AttackRun(LoadedModel Model, ImageDataset Data, ChosenAttack Attack, int? Target, string CommandLine, int Probes = 0, int Seed = 0, int BatchSize = AttackRun.DefaultBatchSize)
{
    /// <summary>Images attacked at once when no batch size is given.</summary>
    public const int DefaultBatchSize = 100;

    /// <summary>Attacks every image, batch after batch, or those of the batches finished before a stop.</summary>
    /// <param name="progress">Told the images finished after each batch; null for silence.</param>
    /// <param name="cancel">Checked at every step of the attack; a stop abandons the batch under way.</param>
    /// <returns>The result over every image, or over the images finished before a stop (<see cref="AttackRunResult.Stopped"/>); null if a stop came before the first batch was finished.</returns>
    public AttackRunResult? Execute(IProgress<int>? progress, CancellationToken cancel)
    {
        ILogitGradientModel model = AttackTargets.For(Model.Model, Probes, Seed);
        int[] labels = Data.Labels.Select(l => (int)l).ToArray();
        Criterion criterion = Target is int t ? new TargetedMisclassification(Enumerable.Repeat(t, labels.Length).ToArray()) : new Misclassification(labels);
        int size = Data.ImageSize;
        float[] adversarials = new float[Data.Count * size];
        bool[] success = new bool[Data.Count];
        int done = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            while (done < Data.Count)
            {
                int b = Math.Min(BatchSize, Data.Count - done);
                int[] members = [.. Enumerable.Range(done, b)];
                using TensorScope scope = TensorScope.Begin();
                Tensor batch = Tensor.FromArray(Data.Images.AsSpan(done * size, b * size), b, Data.Channels, Data.Height, Data.Width);
                (Tensor found, bool[] ok) = Attack.Run(model, batch, b == Data.Count ? criterion : criterion.Select(members), cancel);
                found.Span.CopyTo(adversarials.AsSpan(done * size, b * size));
                ok.CopyTo(success, done);
                done += b;
                progress?.Report(done);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The batch under way is dropped; the finished ones are kept below.
        }

        double seconds = clock.Elapsed.TotalSeconds;
        if (done == 0)
        {
            return null;
        }

        AttackRun run = done == Data.Count ? this : this with { Data = Data.Take(done) };
        float[] kept = done == Data.Count ? adversarials : adversarials[..(done * size)];
        bool[] keptSuccess = success[..done];
        Tensor originals = Tensor.Wrap(run.Data.Images, done, Data.Channels, Data.Height, Data.Width);
        AttackStatistics statistics = AttackStatistics.Compute(model, originals, Tensor.Wrap(kept, done, Data.Channels, Data.Height, Data.Width), labels.AsSpan(0, done), keptSuccess);
        return new AttackRunResult(run, kept, keptSuccess, statistics, seconds, Data.Count);
    }
}

/// <summary>What <see cref="AttackRun.Execute"/> produced.</summary>
/// <param name="Run">The settings, with the images attacked (the first <c>N</c> of <paramref name="Requested"/> after a stop).</param>
/// <param name="Adversarials">Adversarials in [0,1] (clipped to the ε-ball for fixed-ε attacks), <c>[N,C,H,W]</c> flattened.</param>
/// <param name="Success">N flags.</param>
/// <param name="Statistics">Accuracies, success rate, distances.</param>
/// <param name="Seconds">Time the attack itself took.</param>
/// <param name="Requested">Images asked for; more than N when a stop came first.</param>
internal sealed record AttackRunResult(AttackRun Run, float[] Adversarials, bool[] Success, AttackStatistics Statistics, double Seconds, int Requested)
{
    /// <summary>Whether a stop came before every image was attacked.</summary>
    public bool Stopped => Success.Length < Requested;
}
