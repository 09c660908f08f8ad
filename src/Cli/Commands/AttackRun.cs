using System.Diagnostics;
using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Reporting;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary>One attack on one model and one labelled set, with everything the output folder needs.</summary>
internal sealed record AttackRun(LoadedModel Model, ImageDataset Data, GradientDescentAttack Attack, float Epsilon, int? Target, string CommandLine)
{
    public AttackRunResult Execute()
    {
        var model = new ModuleAttackModel(Model.Model);
        int[] labels = Data.Labels.Select(l => (int)l).ToArray();
        Criterion criterion = Target is int t ? new TargetedMisclassification(Enumerable.Repeat(t, labels.Length).ToArray()) : new Misclassification(labels);
        Tensor originals = Tensor.Wrap(Data.Images, Data.Count, Data.Channels, Data.Height, Data.Width);
        var clock = Stopwatch.StartNew();
        AttackResult result = Attack.Run(model, originals, criterion, [Epsilon]);
        double seconds = clock.Elapsed.TotalSeconds;
        Tensor adversarials = result.Clipped[0];
        bool[] success = Enumerable.Range(0, labels.Length).Select(i => result.Success[0, i]).ToArray();
        AttackStatistics statistics = AttackStatistics.Compute(model, originals, adversarials, labels, success);
        return new AttackRunResult(this, adversarials.ToArray(), success, statistics, seconds);
    }
}

/// <summary>What <see cref="AttackRun.Execute"/> produced.</summary>
/// <param name="Run">The settings.</param>
/// <param name="Adversarials">Clipped adversarials, <c>[N,C,H,W]</c> flattened.</param>
/// <param name="Success">N flags.</param>
/// <param name="Statistics">Accuracies, success rate, distances.</param>
/// <param name="Seconds">Time the attack itself took.</param>
internal sealed record AttackRunResult(AttackRun Run, float[] Adversarials, bool[] Success, AttackStatistics Statistics, double Seconds);
