using FoolingCluster.Models.Configuration;

namespace FoolingCluster.Defense.Retraining;

/// <summary>
/// The n+1 class retraining loop of Nguyen, Yosinski &amp; Clune (CVPR 2015, §3.6–3.8): train a
/// network, evolve fooling images against it, add them to the training set as an extra class,
/// train the next network, and repeat. Read from JSON with unknown keys refused.
/// </summary>
public sealed record RetrainConfig
{
    /// <summary>Retraining rounds: networks 2 to <c>iterations + 1</c> are trained with the fooling class.</summary>
    public int Iterations { get; init; } = 15;

    /// <summary>The search run against each network (its <c>model</c> is replaced by the network's).</summary>
    public string Search { get; init; } = "config/mnist-cppn.json";

    /// <summary>Generations of each search, overriding the search configuration's; null keeps it.</summary>
    public int? Generations { get; init; }

    /// <summary>Training configuration of every network (architecture, optimiser, epochs of the first network).</summary>
    public string Training { get; init; } = "config/train-lenet.json";

    /// <summary>Epochs of the retrained networks; null keeps the training configuration's.</summary>
    public int? RetrainEpochs { get; init; }

    /// <summary>"scratch": each network starts from fresh weights; "finetune": from the previous network's, with a new output for the fooling class.</summary>
    public string Mode { get; init; } = "scratch";

    /// <summary>Fooling images added to the training set in the first round (Nguyen et al.: as many as a real class has).</summary>
    public int InitialImages { get; init; } = 6000;

    /// <summary>Fooling images added in every later round.</summary>
    public int ImagesPerIteration { get; init; } = 1000;

    /// <summary>Fraction of each round's images kept out of training, to measure how many the next network puts in the fooling class.</summary>
    public double HeldOutFraction { get; init; } = 0.1;

    /// <summary>Images are taken from a search's recorded images at or above this confidence.</summary>
    public float MinConfidence { get; init; } = 0.99f;

    /// <summary>Radius of the L∞ PGD attack whose accuracy is reported for every network (the ABS paper's 0.3).</summary>
    public float PgdEpsilon { get; init; } = 0.3f;

    /// <summary>PGD steps.</summary>
    public int PgdSteps { get; init; } = 40;

    /// <summary>Test images attacked with PGD for every network (0 to skip).</summary>
    public int PgdImages { get; init; } = 1000;

    /// <summary>Folder with the MNIST idx files.</summary>
    public string Data { get; init; } = "data/mnist";

    /// <summary>Checks value ranges; errors name the key.</summary>
    /// <exception cref="ConfigException">A value is out of range.</exception>
    public void Validate(string source)
    {
        void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new ConfigException(source, message);
            }
        }

        Require(Iterations is >= 1 and <= 1000, $"iterations must be in [1, 1000] (got {Iterations})");
        Require(!string.IsNullOrWhiteSpace(Search), "search must name a search configuration, e.g. config/mnist-cppn.json");
        Require(!string.IsNullOrWhiteSpace(Training), "training must name a training configuration, e.g. config/train-lenet.json");
        Require(Generations is null or >= 0, $"generations must be non-negative (got {Generations})");
        Require(RetrainEpochs is null or >= 1, $"retrainEpochs must be at least 1 (got {RetrainEpochs})");
        Require(Mode is "scratch" or "finetune", $"mode must be 'scratch' or 'finetune' (got '{Mode}')");
        Require(InitialImages >= 1, $"initialImages must be at least 1 (got {InitialImages})");
        Require(ImagesPerIteration >= 0, $"imagesPerIteration must be non-negative (got {ImagesPerIteration})");
        Require(HeldOutFraction is >= 0 and < 1, $"heldOutFraction must be in [0, 1) (got {HeldOutFraction})");
        Require(MinConfidence is > 0 and <= 1, $"minConfidence must be in (0, 1] (got {MinConfidence})");
        Require(PgdEpsilon is >= 0f and <= 1f, $"pgdEpsilon must be in [0, 1], an L∞ radius of pixels in [0,1] (0: no PGD check; got {PgdEpsilon})");
        Require(PgdSteps >= 1, $"pgdSteps must be at least 1 (got {PgdSteps})");
        Require(PgdImages is >= 0 and <= 10_000, $"pgdImages must be in [0, 10000] (got {PgdImages})");
    }

    /// <summary>Fooling images taken from the search against network <paramref name="network"/> (1-based).</summary>
    public int ImagesFor(int network) => network == 1 ? InitialImages : ImagesPerIteration;
}
