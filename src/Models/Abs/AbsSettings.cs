using FoolingCluster.Models.Checkpoints;

namespace FoolingCluster.Models.Abs;

/// <summary>
/// How the ABS model classifies (Schott et al. 2019, §3 and the authors' <c>abs_models</c>):
/// the prior samples that start the search, the gradient refinement of the latent, the
/// logit-to-probability calibration and the binary variant. Stored in the model's sidecar.
/// </summary>
public sealed record AbsSettings
{
    /// <summary>
    /// The authors' per-class scales of the binary model's ELBOs, fitted to their VAEs
    /// (<c>ELBOVAE_binary.discriminative_scalings</c>).
    /// </summary>
    public static IReadOnlyList<float> PaperBinaryScales { get; } = [1f, 0.96f, 1.001f, 1.06f, 0.98f, 0.96f, 1.03f, 1f, 1f, 1f];

    /// <summary>Latent codes drawn from the prior N(0, I) and decoded once per class; the best start the refinement.</summary>
    public int Samples { get; init; } = 8000;

    /// <summary>
    /// Share of extra prior draws thrown away, those of lowest density: Samples / (1 − f) codes are
    /// drawn and the Samples nearest the origin kept.
    /// </summary>
    public double DismissFraction { get; init; } = 0.1;

    /// <summary>Seed of the prior samples: the same seed gives the same classifier.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>Passes of the refinement: every pass but the last takes an Adam step on the latent; the last only scores it.</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Adam's learning rate on the latent.</summary>
    public float LearningRate { get; init; } = 0.05f;

    /// <summary>Latents are kept within this distance of the origin.</summary>
    public float Radius { get; init; } = 5f;

    /// <summary>β: weight of the prior term ½‖z‖² against the squared-L2 reconstruction error.</summary>
    public float Beta { get; init; } = 1f;

    /// <summary>α: the class probabilities are <c>(e^(α·lₖ) + η) / (Σⱼ e^(α·lⱼ) + 10η)</c>.</summary>
    public float LogitScale { get; init; } = 440f;

    /// <summary>η of the calibration above: keeps every probability above η / (1 + 10η).</summary>
    public double ConfidenceLevel { get; init; } = 3.9e-5;

    /// <summary>Binary ABS: pixels are set to 0 below 0.5 and to 1 from 0.5 before inference.</summary>
    public bool Binary { get; init; }

    /// <summary>Factors on each class's ELBO before it becomes a logit (10 values), or null for none.</summary>
    public float[]? ClassScales { get; init; }

    /// <summary>The binary variant with the authors' class scales.</summary>
    public AbsSettings AsBinary() => this with { Binary = true, ClassScales = [.. PaperBinaryScales] };

    /// <summary>Checks value ranges; errors name the file and the key.</summary>
    /// <exception cref="CheckpointFormatException">A value is out of range.</exception>
    public void Validate(string path)
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new CheckpointFormatException(path, $"abs.{message}");
            }
        }

        Require(Samples >= 1, $"samples must be at least 1 (got {Samples})");
        Require(DismissFraction >= 0 && DismissFraction < 1, $"dismiss_fraction must be in [0,1) (got {DismissFraction})");
        Require(Steps >= 0, $"steps must be non-negative (got {Steps})");
        Require(LearningRate > 0 && float.IsFinite(LearningRate), $"learning_rate must be positive (got {LearningRate})");
        Require(Radius > 0 && float.IsFinite(Radius), $"radius must be positive (got {Radius})");
        Require(Beta >= 0 && float.IsFinite(Beta), $"beta must be non-negative (got {Beta})");
        Require(LogitScale > 0 && float.IsFinite(LogitScale), $"logit_scale must be positive (got {LogitScale})");
        Require(ConfidenceLevel >= 0 && double.IsFinite(ConfidenceLevel), $"confidence_level must be non-negative (got {ConfidenceLevel})");
        Require(ClassScales is null || (ClassScales.Length == AbsModel.Classes && ClassScales.All(s => s > 0 && float.IsFinite(s))),
            $"class_scales must be null or {AbsModel.Classes} positive numbers (got {(ClassScales is null ? "null" : ClassScales.Length + " values")})");
    }
}
