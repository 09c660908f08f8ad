using System.Globalization;
using FoolingCluster.Attacks.Abs;
using FoolingCluster.Attacks.Decision;
using FoolingCluster.Models.Abs;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Attacks;

/// <summary>
/// A loaded classifier as every command attacks it: a network through its tape, ABS (which has no
/// exact input gradient) through gradients estimated from probes, and any model through estimated
/// gradients where probes are asked for.
/// </summary>
public static class AttackTargets
{
    /// <summary>Probes per gradient estimate for ABS where none are named.</summary>
    public const int DefaultAbsProbes = 100;

    /// <summary>
    /// The most probes one gradient estimate may take: each probe is a forward pass of every image,
    /// so a count of millions would run for hours between two checks for Ctrl-C.
    /// </summary>
    public const int MaxProbes = 10_000;

    /// <summary>Checks a probe count as the commands take it: 0 (the model's own gradients) or an even number in [2, <see cref="MaxProbes"/>].</summary>
    /// <param name="option">The option or key the count came from, for the message.</param>
    /// <param name="probes">The count.</param>
    /// <exception cref="InvalidInputException">Neither.</exception>
    public static void CheckProbes(string option, int probes)
    {
        if (probes < 0 || probes % 2 != 0)
        {
            throw new InvalidInputException($"{option} must be 0 (the model's own gradients) or an even number ≥ 2 (antithetic pairs); got {probes}");
        }

        if (probes > MaxProbes)
        {
            throw new InvalidInputException($"{option} must be at most {MaxProbes} (got {probes}); each probe is a forward pass of every image at every step");
        }
    }

    /// <summary>The model as attacks see it.</summary>
    /// <param name="model">A loaded classifier: <c>[N,C,H,W]</c> in [0,1] to logits <c>[N,K]</c>.</param>
    /// <param name="probes">
    /// 0: the model's exact gradients, or for ABS <see cref="DefaultAbsProbes"/> probes; otherwise
    /// gradients of any model estimated from this many antithetic probes.
    /// </param>
    /// <param name="seed">Seed of the probe directions.</param>
    /// <exception cref="InvalidInputException">A bad probe count.</exception>
    public static ILogitGradientModel For(Module model, int probes = 0, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckProbes("the probe count", probes);
        if (model is AbsModel abs)
        {
            return new AbsAttackModel(abs, probes > 0 ? probes : DefaultAbsProbes, seed);
        }

        var exact = new ModuleLogitGradientModel(model);
        return probes == 0 ? exact : GradientEstimator.Antithetic(LogitsOnlyModel.From(exact), probes, seed: seed);
    }

    /// <summary>
    /// The line a command prints before attacking, where its gradients are not the model's own:
    /// "ABS has no exact gradients: using gradients estimated from 100 probes"; null for exact gradients.
    /// </summary>
    /// <param name="model">The loaded classifier.</param>
    /// <param name="probes">As given to <see cref="For"/>.</param>
    public static string? GradientNote(Module model, int probes)
    {
        ArgumentNullException.ThrowIfNull(model);
        CultureInfo inv = CultureInfo.InvariantCulture;
        if (model is AbsModel)
        {
            return string.Create(inv, $"ABS has no exact gradients: using gradients estimated from {(probes > 0 ? probes : DefaultAbsProbes)} probes");
        }

        return probes == 0 ? null : string.Create(inv, $"using gradients estimated from {probes} probes instead of the model's own");
    }
}
