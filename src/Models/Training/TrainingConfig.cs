namespace FoolingCluster.Models.Training;

/// <summary>
/// How to train a classifier. Defaults follow Caffe's MNIST LeNet solver
/// (<c>lenet_solver.prototxt</c>): SGD, learning rate 0.01 with the "inv" policy
/// (γ = 1e-4, power 0.75), momentum 0.9, weight decay 5e-4, batch 64.
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>Architecture name (see <see cref="Architectures.Architecture.Names"/>).</summary>
    public string Model { get; init; } = "lenet";

    /// <summary>Passes over the training set.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Seed of initialisation, shuffling and dropout.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Images per SGD step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Base learning rate.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>SGD momentum.</summary>
    public float Momentum { get; init; } = 0.9f;

    /// <summary>L2 weight decay.</summary>
    public float WeightDecay { get; init; } = 5e-4f;

    /// <summary>"inv" (Caffe: lr·(1 + γ·iter)^−power) or "fixed".</summary>
    public string LrPolicy { get; init; } = "inv";

    /// <summary>γ of the "inv" policy.</summary>
    public float LrGamma { get; init; } = 1e-4f;

    /// <summary>Power of the "inv" policy.</summary>
    public float LrPower { get; init; } = 0.75f;

    /// <summary>Use only the first N training images (0: all).</summary>
    public int TrainSubset { get; init; }

    /// <summary>Folder holding the MNIST idx files.</summary>
    public string Data { get; init; } = "data/mnist";

    /// <summary>Where to write the weights; the sidecar goes next to it.</summary>
    public string Out { get; init; } = "models/lenet.safetensors";

    /// <summary>Adversarial training (FGSM or PGD), or none.</summary>
    public AdversarialSettings Adversarial { get; init; } = new();

    /// <summary>Checks value ranges; errors name the key.</summary>
    public void Validate(string source)
    {
        static void Require(bool ok, string source, string message)
        {
            if (!ok)
            {
                throw new Configuration.ConfigException(source, message);
            }
        }

        Require(Epochs >= 1, source, $"epochs must be at least 1 (got {Epochs})");
        Require(BatchSize >= 1, source, $"batchSize must be at least 1 (got {BatchSize})");
        Require(LearningRate > 0 && float.IsFinite(LearningRate), source, $"learningRate must be positive (got {LearningRate})");
        Require(Momentum >= 0 && Momentum < 1, source, $"momentum must be in [0,1) (got {Momentum})");
        Require(WeightDecay >= 0, source, $"weightDecay must be non-negative (got {WeightDecay})");
        Require(LrPolicy is "inv" or "fixed", source, $"lrPolicy must be 'inv' or 'fixed' (got '{LrPolicy}')");
        Require(TrainSubset >= 0, source, $"trainSubset must be non-negative (got {TrainSubset})");
        Architectures.Architecture.Require(Model);
        Require(Adversarial is not null, source, $"adversarial must be a section {{ \"method\": ... }}, not null; valid methods: {string.Join(", ", AdversarialSettings.Methods)}");
        Adversarial!.Validate(source);
    }

    /// <summary>The learning rate at SGD iteration <paramref name="iteration"/> (0-based).</summary>
    public float LearningRateAt(long iteration) => LrPolicy == "inv"
        ? LearningRate * MathF.Pow(1f + (LrGamma * iteration), -LrPower)
        : LearningRate;
}
