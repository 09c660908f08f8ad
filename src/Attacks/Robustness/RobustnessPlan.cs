using System.Text.Json;
using FoolingCluster.Attacks.Abs;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Attacks.Robustness;

/// <summary>The attacks run against one norm, by catalog name.</summary>
/// <param name="Norm">linf, l2 or l0.</param>
/// <param name="Attacks">Catalog names, each working in <paramref name="Norm"/>.</param>
public sealed record NormPlan(string Norm, IReadOnlyList<string> Attacks);

/// <summary>
/// Which attacks a robustness evaluation runs for each norm, and the radii over which fixed-ε
/// attacks are searched. Everything is named so that a plan can travel to a worker as text.
/// </summary>
/// <param name="Norms">One entry per norm, in report order.</param>
/// <param name="Seed">Seed of every randomised attack.</param>
/// <param name="Binarize">Whether the model sees its inputs binarised at 0.5 (Schott et al.'s binary models).</param>
/// <param name="GradientProbes">0: the model's exact gradients; otherwise antithetic finite-difference probes per gradient estimate.</param>
public sealed record RobustnessPlan(IReadOnlyList<NormPlan> Norms, int Seed = 0, bool Binarize = false, int GradientProbes = 0)
{
    /// <summary>The norms in report order: L0, L2, L∞ as in Schott et al. (2019).</summary>
    public static IReadOnlyList<string> AllNorms { get; } = ["l0", "l2", "linf"];

    /// <summary>
    /// The attacks run by default for a model with exact gradients, after Schott et al. (2019,
    /// §5): cheap enough for 1000 MNIST images in minutes on two cores. C&amp;W, L-BFGS and the
    /// Boundary attack find little more on an undefended network and cost far more; name them
    /// with <c>--attacks</c> to add them.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultAttacks { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["l0"] = ["pointwise"],
        ["l2"] = ["fgm", "bim", "pgd", "deepfool", "gaussian-noise"],
        ["linf"] = ["fgsm", "bim", "pgd", "deepfool", "uniform-noise"],
    };

    /// <summary>
    /// The attacks run by default for a model whose gradients have to be estimated (binarised
    /// inputs, ABS): the decision-based attacks, and the iterative gradient attacks on estimated
    /// gradients ("with GE"); DeepFool and C&amp;W need finer estimates than are affordable by default.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> GradientFreeAttacks { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["l0"] = ["pointwise"],
        ["l2"] = ["bim", "gaussian-noise", "boundary"],
        ["linf"] = ["fgsm", "bim", "uniform-noise"],
    };

    /// <summary>
    /// The attacks run by default against ABS: the gradient-free set and the paper's own Latent
    /// Descent attack; ABS's gradients are estimated by the model it is wrapped in.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> AbsAttacks { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["l0"] = ["pointwise"],
        ["l2"] = ["latent-descent", "bim", "gaussian-noise"],
        ["linf"] = ["latent-descent", "fgsm", "bim", "uniform-noise"],
    };

    /// <summary>The distance at which the ABS paper reads accuracy: L0 = 12, L2 = 1.5, L∞ = 0.3.</summary>
    public static double Threshold(string norm) => norm switch
    {
        "l0" => 12,
        "l2" => 1.5,
        "linf" => 0.3,
        _ => throw new InvalidInputException($"unknown norm '{norm}'; valid: {string.Join(", ", AllNorms)}"),
    };

    /// <summary>
    /// Radii over which a fixed-ε attack is searched: steps of 0.01 up to 0.5 under L∞, of 0.05 up
    /// to 3 and then of 0.25 up to 6 under L2; fine where MNIST networks break.
    /// </summary>
    public static IReadOnlyList<float> Radii(string norm) => norm switch
    {
        "linf" => Steps(0.01, 0.5, 0.01),
        "l2" => [.. Steps(0.05, 3, 0.05), .. Steps(3.25, 6, 0.25)],
        _ => throw new InvalidInputException($"no attack with a radius works in {norm}"),
    };

    /// <summary>
    /// A plan for the given norms: the default attacks, or the named ones, each placed under every
    /// requested norm it works in.
    /// </summary>
    /// <param name="norms">Some of <see cref="AllNorms"/>.</param>
    /// <param name="attacks">Catalog names, or null for <see cref="DefaultAttacks"/>.</param>
    /// <param name="seed">Seed of every randomised attack.</param>
    /// <param name="binarize">Whether the model sees its inputs binarised at 0.5.</param>
    /// <param name="gradientProbes">0 for the model's exact gradients, else probes per estimate; picks <see cref="DefaultAttacks"/> or <see cref="GradientFreeAttacks"/>.</param>
    /// <param name="defaults">The attacks per norm when none are named; null for <see cref="DefaultAttacks"/> or, with gradient probes, <see cref="GradientFreeAttacks"/>.</param>
    /// <exception cref="InvalidInputException">An unknown norm or attack, a norm no named attack works in, or a norm twice.</exception>
    public static RobustnessPlan Create(IReadOnlyList<string> norms, IReadOnlyList<string>? attacks = null, int seed = 0, bool binarize = false, int gradientProbes = 0, IReadOnlyDictionary<string, IReadOnlyList<string>>? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(norms);
        if (norms.Count == 0)
        {
            throw new InvalidInputException($"name at least one norm; valid: {string.Join(", ", AllNorms)}");
        }

        foreach (string norm in norms)
        {
            if (!AllNorms.Contains(norm))
            {
                throw new InvalidInputException($"unknown norm '{norm}'; valid: {string.Join(", ", AllNorms)}");
            }
        }

        if (norms.Distinct().Count() != norms.Count)
        {
            throw new InvalidInputException($"a norm is named twice in {string.Join(",", norms)}");
        }

        foreach (string attack in attacks ?? [])
        {
            _ = AttackCatalog.NormsOf(attack);
        }

        var plans = new List<NormPlan>();
        foreach (string norm in AllNorms.Where(norms.Contains))
        {
            IReadOnlyList<string> chosen = attacks is null
                ? (defaults ?? (gradientProbes == 0 ? DefaultAttacks : GradientFreeAttacks))[norm]
                : attacks.Where(a => AttackCatalog.NormsOf(a).Contains(norm)).Distinct().ToArray();
            if (chosen.Count == 0)
            {
                throw new InvalidInputException($"none of the attacks {string.Join(", ", attacks!)} works in {norm}; {norm} attacks: {string.Join(", ", AttackCatalog.Names.Where(a => AttackCatalog.NormsOf(a).Contains(norm)))}");
            }

            plans.Add(new NormPlan(norm, chosen));
        }

        var plan = new RobustnessPlan(plans, seed, binarize, gradientProbes);
        plan.Validate();
        return plan;
    }

    /// <summary>The plan as JSON, for a job message.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, StrictJson.Options);

    /// <summary>Reads and checks a plan sent as JSON.</summary>
    /// <exception cref="InvalidInputException">The text is not a plan, or names unknown norms or attacks, or attacks in norms they do not work in.</exception>
    public static RobustnessPlan FromJson(string json)
    {
        RobustnessPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize<RobustnessPlan>(json, StrictJson.Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidInputException($"the robustness plan: {JsonErrorText.Describe(ex, typeof(RobustnessPlan), json)}");
        }

        if (plan?.Norms is null || plan.Norms.Any(n => n?.Norm is null || n.Attacks is null || n.Attacks.Any(a => a is null)))
        {
            throw new InvalidInputException("the robustness plan names no norms, or a norm without its attacks");
        }

        plan.Validate();
        return plan;
    }

    /// <summary>Checks that every norm is known and named once and every attack exists and works in its norm.</summary>
    /// <exception cref="InvalidInputException">It is not so.</exception>
    public void Validate()
    {
        if (GradientProbes < 0 || GradientProbes % 2 != 0)
        {
            throw new InvalidInputException($"gradient probes come in pairs (got {GradientProbes})");
        }

        if (Norms.Count == 0 || Norms.Select(n => n.Norm).Distinct().Count() != Norms.Count)
        {
            throw new InvalidInputException("a robustness plan names each norm once, and at least one");
        }

        foreach (NormPlan norm in Norms)
        {
            if (!AllNorms.Contains(norm.Norm))
            {
                throw new InvalidInputException($"unknown norm '{norm.Norm}'; valid: {string.Join(", ", AllNorms)}");
            }

            if (norm.Attacks.Count == 0)
            {
                throw new InvalidInputException($"the plan runs no attack in {norm.Norm}");
            }

            foreach (string attack in norm.Attacks)
            {
                if (!AttackCatalog.NormsOf(attack).Contains(norm.Norm))
                {
                    throw new InvalidInputException($"{attack} does not work in {norm.Norm}");
                }
            }
        }
    }

    /// <summary>Probes per gradient estimate for ABS, which has no exact gradient, where the plan names none.</summary>
    public const int DefaultAbsProbes = AttackTargets.DefaultAbsProbes;

    /// <summary>
    /// A loaded model as this plan attacks it, the same on the coordinator and on every worker:
    /// ABS through <see cref="AbsAttackModel"/> (gradients from <see cref="GradientProbes"/>
    /// antithetic probes, <see cref="DefaultAbsProbes"/> where that is 0), any other network
    /// through its tape.
    /// </summary>
    public IAttackModel Target(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        // A network's probes are applied by Attacked, so that the referee classifies with the model itself.
        return AttackTargets.For(model, model is AbsModel ? GradientProbes : 0, Seed);
    }

    /// <summary>
    /// The model as the attacks see it: binarised inputs and estimated gradients if the plan says
    /// so. ABS comes as it is: it estimates its own gradients (<see cref="Target"/>).
    /// </summary>
    public IAttackModel Attacked(IAttackModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is AbsAttackModel)
        {
            return model;
        }

        IAttackModel seen = Binarize ? new Decision.BinarizedInputs(model) : model;
        return GradientProbes == 0 ? seen : Decision.GradientEstimator.Antithetic(Decision.LogitsOnlyModel.From(seen), GradientProbes, seed: Seed);
    }

    /// <summary>"exact", or how gradients are estimated.</summary>
    public string DescribeGradients() => (GradientProbes, Binarize) switch
    {
        (0, false) => "exact",
        (0, true) => "the model's own at the binarised image, passed straight through the binarisation (BPDA)",
        _ => $"estimated from {GradientProbes} antithetic probes{(Binarize ? " of the binarised model" : "")}",
    };

    /// <summary>Builds the attacks of one norm.</summary>
    public IReadOnlyList<IMinimizingAttack> Build(NormPlan norm) =>
        norm.Attacks.Select(a => AttackCatalog.CreateMinimizing(a, norm.Norm, AttackCatalog.TakesEpsilon(a) ? Radii(norm.Norm) : [1f], seed: Seed)).ToArray();

    private static float[] Steps(double from, double to, double step)
    {
        int count = (int)Math.Round((to - from) / step) + 1;
        return Enumerable.Range(0, count).Select(i => (float)Math.Round(from + (i * step), 4)).ToArray();
    }
}
