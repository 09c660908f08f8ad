using System.Globalization;
using FoolingCluster.Models.Configuration;

namespace FoolingCluster.Models.Training;

/// <summary>
/// The <c>adversarial</c> section of a training configuration: train on
/// <c>α·CE(f(x), y) + (1 − α)·CE(f(x′), y)</c>, where x′ is an attack on the current model within
/// an L∞ ball of radius ε around x. FGSM gives the objective of Goodfellow, Shlens &amp; Szegedy
/// (ICLR 2015, α = 0.5); PGD from a random start with α = 0 is Madry et al.'s (ICLR 2018).
/// </summary>
/// <remarks>
/// Unset values take the method's defaults (<see cref="Resolve"/>): α 0.5 for FGSM and 0 for PGD;
/// PGD takes 40 steps of 2.5·ε/steps (Madry et al.'s MNIST budget of 40 steps, with the step rule
/// of their robustness library, which lets the walk cross the ball and back).
/// </remarks>
public sealed record AdversarialSettings
{
    /// <summary>The methods by name: <c>none</c> trains on clean images only.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["none", "fgsm", "pgd"];

    /// <summary>none, fgsm or pgd.</summary>
    public string Method { get; init; } = "none";

    /// <summary>L∞ radius of the perturbation, in pixel units of [0,1].</summary>
    public float? Epsilon { get; init; }

    /// <summary>Weight of the clean loss, in [0,1]; the adversarial loss gets 1 − α.</summary>
    public float? Alpha { get; init; }

    /// <summary>Gradient steps of the attack (PGD only; FGSM takes one).</summary>
    public int? Steps { get; init; }

    /// <summary>Step of each PGD iteration, in pixel units.</summary>
    public float? StepSize { get; init; }

    /// <summary>Held-out test images on which the robust accuracy is measured after each epoch (0: none).</summary>
    public int ProbeImages { get; init; } = 500;

    /// <summary>Whether any adversarial training is asked for.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsAdversarial => Method != "none";

    /// <summary>Checks names and ranges; errors name the key.</summary>
    /// <exception cref="ConfigException">An unknown method, a missing or impossible ε, α out of [0,1], steps or step size that do not fit the method.</exception>
    public void Validate(string source)
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ConfigException(source, message);
            }
        }

        Require(Methods.Contains(Method), $"adversarial.method must be one of {string.Join(", ", Methods)} (got '{Method}')");
        Require(ProbeImages >= 0, $"adversarial.probeImages must be non-negative (got {ProbeImages})");
        if (!IsAdversarial)
        {
            Require(Epsilon is null && Alpha is null && Steps is null && StepSize is null,
                $"adversarial.epsilon, alpha, steps and stepSize apply only to adversarial training: set adversarial.method to fgsm or pgd");
            return;
        }

        Require(Epsilon is float, $"adversarial.epsilon is required for {Method} training (e.g. 0.25 for FGSM, 0.3 for PGD on MNIST)");
        Require(Epsilon is > 0f and <= 1f, string.Create(CultureInfo.InvariantCulture, $"adversarial.epsilon must be in (0,1], pixels lie in [0,1] (got {Epsilon})"));
        Require(Alpha is null or >= 0f and <= 1f, string.Create(CultureInfo.InvariantCulture, $"adversarial.alpha must be in [0,1] (got {Alpha})"));
        Require(Method == "pgd" || Steps is null or 1, $"adversarial.steps applies to pgd; fgsm takes exactly one step (got {Steps})");
        Require(Method == "pgd" || StepSize is null, "adversarial.stepSize applies to pgd; fgsm's one step is ε");
        Require(Steps is null or >= 1, $"adversarial.steps must be at least 1 (got {Steps})");
        Require(StepSize is null || (StepSize > 0f && float.IsFinite(StepSize.Value)), string.Create(CultureInfo.InvariantCulture, $"adversarial.stepSize must be positive (got {StepSize})"));
    }

    /// <summary>The settings with every unset value replaced by the method's default.</summary>
    public AdversarialSettings Resolve()
    {
        if (!IsAdversarial)
        {
            return this;
        }

        int steps = Method == "pgd" ? Steps ?? 40 : 1;
        float epsilon = Epsilon ?? throw new InvalidOperationException("validate the settings before resolving them: epsilon is missing");
        return this with
        {
            Alpha = Alpha ?? (Method == "fgsm" ? 0.5f : 0f),
            Steps = steps,
            StepSize = Method == "pgd" ? StepSize ?? (2.5f * epsilon / steps) : epsilon,
        };
    }

    /// <summary>One line for logs and reports, e.g. <c>pgd ε=0.3 α=0, 40 steps of 0.01875, random start</c>.</summary>
    public string Describe()
    {
        if (!IsAdversarial)
        {
            return "standard (clean images only)";
        }

        AdversarialSettings r = Resolve();
        return Method == "fgsm"
            ? string.Create(CultureInfo.InvariantCulture, $"fgsm ε={r.Epsilon:G4} α={r.Alpha:G4}")
            : string.Create(CultureInfo.InvariantCulture, $"pgd ε={r.Epsilon:G4} α={r.Alpha:G4}, {r.Steps} steps of {r.StepSize:G4}, random start");
    }
}
