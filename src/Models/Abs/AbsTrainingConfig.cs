using FoolingCluster.Models.Configuration;

namespace FoolingCluster.Models.Abs;

/// <summary>How the ten class VAEs of an ABS model are trained.</summary>
public sealed record AbsTrainingConfig
{
    /// <summary>Passes over each class's training images.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Seed of initialisation, batch order and reparameterisation noise; class c uses seed + c.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Images per Adam step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>
    /// Adam's learning rate. A class has about 6,000 images, under 100 steps an epoch: at 3e-3
    /// the reconstruction error after three epochs is that of twice the steps at 1e-3.
    /// </summary>
    public float LearningRate { get; init; } = 3e-3f;

    /// <summary>Weight of the KL term in the ELBO (1 in the paper); positive, since ABS samples its starting latents from the prior.</summary>
    public float Beta { get; init; } = 1f;

    /// <summary>Use only the first N training images of the whole set (0: all 60,000).</summary>
    public int TrainSubset { get; init; }

    /// <summary>
    /// Train the ten VAEs side by side, one per core with single-threaded kernels (true), or one
    /// after another with multithreaded kernels (false).
    /// </summary>
    public bool ParallelClasses { get; init; } = true;

    /// <summary>Folder holding the MNIST idx files.</summary>
    public string Data { get; init; } = "data/mnist";

    /// <summary>Folder that receives the ten VAEs and the ABS sidecar.</summary>
    public string Out { get; init; } = "models/abs";

    /// <summary>Checks value ranges; errors name the key.</summary>
    /// <exception cref="ConfigException">A value is out of range.</exception>
    public void Validate(string source)
    {
        static void Require(bool ok, string source, string message)
        {
            if (!ok)
            {
                throw new ConfigException(source, message);
            }
        }

        Require(Epochs >= 1, source, $"epochs must be at least 1 (got {Epochs})");
        Require(BatchSize >= 2, source, $"batchSize must be at least 2 for batch-norm statistics (got {BatchSize})");
        Require(LearningRate > 0 && float.IsFinite(LearningRate), source, $"learningRate must be positive (got {LearningRate})");
        // Without the KL term the latents are not drawn to the N(0, I) prior from which ABS
        // samples the starting points of its inference, so the classifier would start from codes
        // its decoders never learnt.
        Require(Beta > 0 && float.IsFinite(Beta), source, $"beta must be positive and finite, in (0, ∞) (got {Beta}): it weighs the KL term that keeps each VAE's latents on the N(0, I) prior ABS samples from; the paper uses 1");
        Require(TrainSubset >= 0, source, $"trainSubset must be non-negative (got {TrainSubset})");
        Require(!string.IsNullOrWhiteSpace(Out), source, "out must name a folder");
    }
}
