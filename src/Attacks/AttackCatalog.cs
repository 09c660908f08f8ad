using FoolingCluster.Attacks.Decision;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks;

/// <summary>
/// The attacks the command line, the robustness evaluation and the workers build by name and
/// norm. Fixed-ε attacks (fgsm, fgm, bim, pgd, uniform-noise) need a radius; the others look for
/// the smallest adversarial themselves.
/// </summary>
public static class AttackCatalog
{
    private static readonly IReadOnlyList<CatalogEntry> s_entries =
    [
        new("fgsm", ["linf"], "fast gradient sign (Goodfellow et al. 2015)", true, true, false, (_, steps, _) => OneStep("fgsm", steps, new Fgsm())),
        new("fgm", ["l2"], "fast gradient, L2 step", true, true, false, (_, steps, _) => OneStep("fgm", steps, new Fgm())),
        new("bim", ["linf", "l2"], "basic iterative method (10 steps)", true, true, false, (norm, steps, _) => norm == "linf" ? new LinfBim(steps ?? 10) : new L2Bim(steps ?? 10)),
        new("pgd", ["linf", "l2"], "projected gradient descent, random start (40 steps under linf, 50 under l2)", true, true, false, (norm, steps, seed) => norm == "linf" ? new LinfPgd(steps ?? 40, seed: seed) : new L2Pgd(steps ?? 50, seed: seed)),
        new("uniform-noise", ["linf"], "additive uniform noise", true, false, false, (_, steps, seed) => Stepless("uniform-noise", steps, new LinfAdditiveUniformNoise(seed: seed))),
        new("deepfool", ["l2", "linf"], "DeepFool (50 steps)", false, true, true, (norm, steps, _) => norm == "l2" ? new L2DeepFool(steps ?? 50) : new LinfDeepFool(steps ?? 50)),
        new("cw", ["l2"], "Carlini–Wagner L2 (9 searches over c × 1000 steps)", false, true, true, (_, steps, _) => new CarliniWagnerL2(steps: steps ?? 1000)),
        new("lbfgs", ["l2"], "box-constrained L-BFGS with a search over c (Szegedy et al. 2014)", false, true, false, (_, steps, _) => new BoxLbfgs(maxIterations: steps ?? 100)),
        new("gaussian-noise", ["l2"], "Gaussian noise, smallest scale that fools", false, false, false, (_, steps, seed) => Stepless("gaussian-noise", steps, new L2GaussianNoiseSearch(seed: seed))),
        new("blended-noise", ["l2"], "uniform noise blended in until it fools", false, false, false, (_, steps, seed) => Stepless("blended-noise", steps, new BlendedUniformNoise(seed: seed))),
        new("boundary", ["l2"], "Boundary attack (Brendel et al. 2018; 5000 steps)", false, false, false, (_, steps, seed) => new BoundaryAttack(steps: steps ?? 5000, init: new BlendedUniformNoise(seed: seed), seed: seed)),
        new("salt-and-pepper", ["l0"], "salt-and-pepper noise (1000 steps)", false, false, false, (_, steps, seed) => new SaltAndPepperNoise(steps ?? 1000, seed)),
        new("latent-descent", ["l2", "linf"], "Latent Descent (Schott et al. 2019; ABS models only)", false, false, false, (norm, steps, _) => new Abs.LatentDescent(norm == "l2" ? Distances.Distance.L2 : Distances.Distance.Linf, steps ?? 50)),
        new("pointwise", ["l0"], "Pointwise (Schott et al. 2019), from salt-and-pepper noise", false, false, false, (_, steps, seed) => Stepless("pointwise", steps, new PointwiseAttack(new SaltAndPepperNoise(seed: seed), seed: seed))),
    ];

    /// <summary>Every attack name, fixed-ε ones first.</summary>
    public static IReadOnlyList<string> Names { get; } = s_entries.Select(e => e.Name).ToArray();

    /// <summary>Norm names.</summary>
    public static IReadOnlyList<string> Norms { get; } = ["linf", "l2", "l0"];

    /// <summary>One line per attack: its name, norms and what it is, for help texts.</summary>
    public static IEnumerable<string> Summaries() =>
        s_entries.Select(e => $"{e.Name} ({string.Join("/", e.Norms)}{(e.TakesEpsilon ? ", needs ε" : "")}): {e.Summary}");

    /// <summary>The norms an attack works in, its default first.</summary>
    /// <exception cref="InvalidInputException">An unknown name.</exception>
    public static IReadOnlyList<string> NormsOf(string attack) => Entry(attack).Norms;

    /// <summary>The norm an attack uses when none is named.</summary>
    /// <exception cref="InvalidInputException">An unknown name.</exception>
    public static string DefaultNorm(string attack) => Entry(attack).Norms[0];

    /// <summary>Whether the attack works inside a given radius ε rather than minimising the distance.</summary>
    /// <exception cref="InvalidInputException">An unknown name.</exception>
    public static bool TakesEpsilon(string attack) => Entry(attack).TakesEpsilon;

    /// <summary>Whether the attack differentiates the model (and so, for a model without gradients, needs a gradient estimate).</summary>
    /// <exception cref="InvalidInputException">An unknown name.</exception>
    public static bool UsesGradients(string attack) => Entry(attack).UsesGradients;

    /// <summary>Whether the attack differentiates the logits themselves, which a gradient estimate of the loss cannot stand in for.</summary>
    /// <exception cref="InvalidInputException">An unknown name.</exception>
    public static bool NeedsLogitGradients(string attack) => Entry(attack).NeedsLogitGradients;

    /// <summary>Builds one of the gradient fixed-ε attacks (fgsm, fgm, bim, pgd) with Foolbox's defaults, except for what is given.</summary>
    /// <param name="attack">fgsm, fgm, bim or pgd.</param>
    /// <param name="norm">A norm the attack has, or null for its default.</param>
    /// <param name="steps">Steps of bim or pgd, or null for the default (10 and 40 under L∞, 10 and 50 under L2).</param>
    /// <param name="seed">Seed of pgd's random start.</param>
    /// <exception cref="InvalidInputException">An unknown name or norm, a norm the attack does not have, steps for a one-step attack, or steps below 1.</exception>
    public static GradientDescentAttack Create(string attack, string? norm = null, int? steps = null, int seed = 0) =>
        Build(attack, norm, steps, seed) as GradientDescentAttack
        ?? throw new InvalidInputException($"{attack} is not a gradient attack with a radius ε; those are: fgsm, fgm, bim, pgd");

    /// <summary>Builds an attack that needs a radius ε (see <see cref="TakesEpsilon"/>).</summary>
    /// <exception cref="InvalidInputException">As <see cref="Create"/>, or the attack minimises the distance instead.</exception>
    public static FixedEpsilonAttack CreateFixedEpsilon(string attack, string? norm = null, int? steps = null, int seed = 0) =>
        Build(attack, norm, steps, seed) as FixedEpsilonAttack
        ?? throw new InvalidInputException($"{attack} looks for the smallest adversarial itself and takes no ε; attacks with an ε: {string.Join(", ", s_entries.Where(e => e.TakesEpsilon).Select(e => e.Name))}");

    /// <summary>
    /// Builds any attack as one that reports the smallest adversarial it found: fixed-ε attacks are
    /// run over <paramref name="epsilons"/> (see <see cref="Robustness.EpsilonSearch"/>).
    /// </summary>
    /// <param name="epsilons">Increasing radii for a fixed-ε attack; ignored otherwise.</param>
    /// <exception cref="InvalidInputException">As <see cref="Create"/>.</exception>
    public static IMinimizingAttack CreateMinimizing(string attack, string? norm, IReadOnlyList<float> epsilons, int? steps = null, int seed = 0) =>
        Build(attack, norm, steps, seed) switch
        {
            FixedEpsilonAttack fixedEpsilon => new Robustness.EpsilonSearch(fixedEpsilon, epsilons),
            IMinimizingAttack minimizing => minimizing,
            object other => throw new InvalidOperationException($"catalog entry {attack} built a {other.GetType().Name}"),
        };

    private static object Build(string attack, string? norm, int? steps, int seed)
    {
        CatalogEntry entry = Entry(attack);
        norm ??= entry.Norms[0];
        if (!Norms.Contains(norm))
        {
            throw new InvalidInputException($"unknown norm '{norm}'; valid: {string.Join(", ", Norms)}");
        }

        if (!entry.Norms.Contains(norm))
        {
            string twins = string.Join(", ", s_entries.Where(e => e.Norms.Contains(norm)).Select(e => e.Name));
            throw new InvalidInputException($"{attack} works in {string.Join(" and ", entry.Norms)}, not {norm}; {norm} attacks: {twins}");
        }

        if (steps is int s && s < 1)
        {
            throw new InvalidInputException($"steps must be at least 1 (got {s})");
        }

        return entry.Build(norm, steps, seed);
    }

    private static CatalogEntry Entry(string attack)
    {
        ArgumentNullException.ThrowIfNull(attack);
        return s_entries.FirstOrDefault(e => e.Name == attack)
            ?? throw new InvalidInputException($"unknown attack '{attack}'; valid: {string.Join(", ", Names)}");
    }

    private static object OneStep(string name, int? steps, object attack) =>
        steps is null ? attack : throw new InvalidInputException($"{name} takes exactly one step; steps apply to bim and pgd");

    private static object Stepless(string name, int? steps, object attack) =>
        steps is null ? attack : throw new InvalidInputException($"{name} has no step count to set");

    private sealed record CatalogEntry(
        string Name,
        string[] Norms,
        string Summary,
        bool TakesEpsilon,
        bool UsesGradients,
        bool NeedsLogitGradients,
        Func<string, int?, int, object> Build);
}
