using FoolingCluster.Attacks.Distances;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.Commands;

/// <summary><c>fooling train</c>'s adversarial options laid over the configuration's <c>adversarial</c> section.</summary>
internal static class AdversarialOptions
{
    /// <summary>The section with every option given on the command line in place of the file's value.</summary>
    /// <exception cref="InvalidInputException">An unknown method, or attack settings without an adversarial method.</exception>
    public static AdversarialSettings Merge(AdversarialSettings fromConfig, string? method, float? eps, float? alpha, int? steps, float? stepSize)
    {
        if (method is not null && !AdversarialSettings.Methods.Contains(method))
        {
            throw new InvalidInputException($"unknown --adversarial method '{method}'; valid: {string.Join(", ", AdversarialSettings.Methods)}");
        }

        if (eps is float e)
        {
            // Training attacks are L∞, whose bound does not depend on the image size.
            Radius.Check("--eps", e, Distance.Linf, values: 1);
        }

        if (alpha is float a && !(a >= 0f && a <= 1f))
        {
            throw new InvalidInputException($"--alpha must be in [0,1] (got {a.ToString(System.Globalization.CultureInfo.InvariantCulture)})");
        }

        bool attackOptions = eps is not null || alpha is not null || steps is not null || stepSize is not null;
        if (fromConfig is null && method is null && !attackOptions)
        {
            // A configuration's "adversarial": null stays null, for its validation to name.
            return fromConfig!;
        }

        AdversarialSettings merged = (fromConfig ?? new AdversarialSettings()) with
        {
            Method = method ?? fromConfig?.Method ?? "none",
            Epsilon = eps ?? fromConfig?.Epsilon,
            Alpha = alpha ?? fromConfig?.Alpha,
            Steps = steps ?? fromConfig?.Steps,
            StepSize = stepSize ?? fromConfig?.StepSize,
        };
        if (attackOptions && !merged.IsAdversarial)
        {
            throw new InvalidInputException("--eps, --alpha, --attack-steps and --attack-step-size set up adversarial training and need --adversarial fgsm|pgd");
        }

        if (method is not null && merged.IsAdversarial && merged.Epsilon is null)
        {
            throw new InvalidInputException($"--adversarial {merged.Method} needs --eps E, the L∞ radius of the training attack (Goodfellow et al. use 0.25 on MNIST, Madry et al. 0.3)");
        }

        if (merged.Method == "fgsm" && (steps is not null || stepSize is not null))
        {
            throw new InvalidInputException("--attack-steps and --attack-step-size apply to --adversarial pgd; fgsm takes one step of ε");
        }

        return merged;
    }
}
