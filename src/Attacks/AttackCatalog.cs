using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks;

/// <summary>The attacks the command line and the workers can build by name and norm.</summary>
public static class AttackCatalog
{
    /// <summary>Attack names: fgsm (L∞ only), fgm (L2 only), bim and pgd (either norm).</summary>
    public static IReadOnlyList<string> Names { get; } = ["fgsm", "fgm", "bim", "pgd"];

    /// <summary>Norm names.</summary>
    public static IReadOnlyList<string> Norms { get; } = ["linf", "l2"];

    /// <summary>The norm an attack uses when none is named: L2 for fgm, L∞ otherwise.</summary>
    public static string DefaultNorm(string attack) => attack == "fgm" ? "l2" : "linf";

    /// <summary>Builds an attack with Foolbox's defaults, except for what is given.</summary>
    /// <param name="attack">One of <see cref="Names"/>.</param>
    /// <param name="norm">One of <see cref="Norms"/>, or null for <see cref="DefaultNorm"/>.</param>
    /// <param name="steps">Steps of bim or pgd, or null for the default (10 and 40 under L∞, 10 and 50 under L2).</param>
    /// <param name="seed">Seed of pgd's random start.</param>
    /// <exception cref="InvalidInputException">An unknown name or norm, a norm the attack does not have, steps for a one-step attack, or steps below 1.</exception>
    public static GradientDescentAttack Create(string attack, string? norm = null, int? steps = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(attack);
        if (!Names.Contains(attack))
        {
            throw new InvalidInputException($"unknown attack '{attack}'; valid: {string.Join(", ", Names)}");
        }

        norm ??= DefaultNorm(attack);
        if (!Norms.Contains(norm))
        {
            throw new InvalidInputException($"unknown norm '{norm}'; valid: {string.Join(", ", Norms)}");
        }

        if (steps is int s && s < 1)
        {
            throw new InvalidInputException($"steps must be at least 1 (got {s})");
        }

        bool linf = norm == "linf";
        switch (attack)
        {
            case "fgsm" or "fgm":
                if (steps is not null)
                {
                    throw new InvalidInputException($"{attack} takes exactly one step; steps apply to bim and pgd");
                }

                if (attack == "fgsm" && !linf)
                {
                    throw new InvalidInputException("fgsm is the L∞ attack; its L2 twin is fgm");
                }

                if (attack == "fgm" && linf)
                {
                    throw new InvalidInputException("fgm is the L2 attack; its L∞ twin is fgsm");
                }

                return linf ? new Fgsm() : new Fgm();
            case "bim":
                return linf ? new LinfBim(steps ?? 10) : new L2Bim(steps ?? 10);
            default:
                return linf ? new LinfPgd(steps ?? 40, seed: seed) : new L2Pgd(steps ?? 50, seed: seed);
        }
    }
}
