using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Models.Configuration;

namespace FoolingCluster.Runs;

/// <summary>
/// One fooling-image search: the target model, the encoding and the MAP-Elites budget.
/// Defaults are the MNIST experiments of Nguyen, Yosinski &amp; Clune (CVPR 2015).
/// </summary>
public sealed record EvolutionConfig
{
    /// <summary>"cppn" or "direct".</summary>
    public string Encoding { get; init; } = CppnEncoding.EncodingName;

    /// <summary>Weights of the target classifier (safetensors with its JSON sidecar).</summary>
    public string Model { get; init; } = "models/lenet.safetensors";

    /// <summary>Training configuration used to train the target first when <see cref="Model"/> does not exist ("" to require an existing model).</summary>
    public string TrainConfig { get; init; } = "config/train-lenet.json";

    /// <summary>Generations of offspring after the initial random population.</summary>
    public int Generations { get; init; } = 200;

    /// <summary>Random genomes in generation 0.</summary>
    public int InitialPopulation { get; init; } = 200;

    /// <summary>
    /// Offspring per generation: two children of each of the 200 parent pairs Sferes2's
    /// MAP-Elites draws per generation in the reference experiments.
    /// </summary>
    public int BatchSize { get; init; } = 400;

    /// <summary>
    /// Most children per job: a generation is split into jobs of this size for the workers
    /// (more jobs spread a generation over more workers; fewer make larger, more efficient
    /// batches). 0: one job per worker and generation in the embedded default.
    /// </summary>
    public int JobSize { get; init; }

    /// <summary>The job size to use with <paramref name="workers"/> workers: <see cref="JobSize"/>, or an even split of a generation.</summary>
    public int JobSizeFor(int workers) => JobSize > 0 ? JobSize : Math.Max(1, (BatchSize + workers - 1) / Math.Max(1, workers));

    /// <summary>Seed of the search; equal seeds give equal runs on one thread.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Every distinct image whose top probability reaches this is kept for export: a probability in (0,1].</summary>
    public float RecordThreshold { get; init; } = 0.9999f;

    /// <summary>The archive snapshot, pictures and report are rewritten every this many generations.</summary>
    public int SnapshotEvery { get; init; } = 25;

    /// <summary>Settings of the direct encoding.</summary>
    public DirectSettings Direct { get; init; } = new();

    /// <summary>Settings of the CPPN encoding.</summary>
    public CppnSettings Cppn { get; init; } = new();

    /// <summary>
    /// The most images <see cref="InitialPopulation"/> and <see cref="BatchSize"/> may ask for at once: a
    /// generation is held in memory as [N,1,28,28] floats, so this bound (about 300 MB of images) keeps a
    /// slip of a few digits from a search that allocates for minutes and then runs out of memory.
    /// </summary>
    public const int MaxImagesPerGeneration = 100_000;

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

        Require(Encoding is CppnEncoding.EncodingName or DirectEncoding.EncodingName, $"encoding must be '{CppnEncoding.EncodingName}' or '{DirectEncoding.EncodingName}' (got '{Encoding}')");
        Require(!string.IsNullOrWhiteSpace(Model), "model must name a weights file");
        Require(Generations >= 0, $"generations must be non-negative (got {Generations})");
        Require(InitialPopulation is >= 1 and <= MaxImagesPerGeneration, $"initialPopulation must be in [1, {MaxImagesPerGeneration}] (got {InitialPopulation})");
        Require(BatchSize is >= 1 and <= MaxImagesPerGeneration, $"batchSize must be in [1, {MaxImagesPerGeneration}] (got {BatchSize})");
        Require(JobSize is >= 0 and <= 100_000, $"jobSize must be in [0, 100000] (got {JobSize}; 0 splits each generation evenly over the workers)");
        Require(RecordThreshold is > 0f and <= 1f, $"recordThreshold must be in (0,1], a probability (got {RecordThreshold})");
        Require(SnapshotEvery >= 1, $"snapshotEvery must be at least 1 (got {SnapshotEvery})");
        Require(Direct.MutationRate is >= 0 and <= 1, $"direct.mutationRate must be in [0,1] (got {Direct.MutationRate})");
        Require(Direct.MutationHalvingGenerations >= 1, $"direct.mutationHalvingGenerations must be at least 1 (got {Direct.MutationHalvingGenerations})");
        Require(Direct.MutationEta > 0 && float.IsFinite(Direct.MutationEta), $"direct.mutationEta must be a finite number > 0 (got {Direct.MutationEta})");
        Require(Direct.CrossoverEta > 0 && float.IsFinite(Direct.CrossoverEta), $"direct.crossoverEta must be a finite number > 0 (got {Direct.CrossoverEta})");
        Require(Direct.CrossoverRate is >= 0 and <= 1, $"direct.crossoverRate must be in [0,1] (got {Direct.CrossoverRate})");
        foreach ((string key, double rate) in new[]
        {
            ("cppn.addConnectionRate", Cppn.AddConnectionRate), ("cppn.deleteConnectionRate", Cppn.DeleteConnectionRate),
            ("cppn.addNodeRate", Cppn.AddNodeRate), ("cppn.deleteNodeRate", Cppn.DeleteNodeRate),
            ("cppn.weightMutationRate", Cppn.WeightMutationRate), ("cppn.activationChangeRate", Cppn.ActivationChangeRate),
        })
        {
            Require(rate is >= 0 and <= 1, $"{key} must be in [0,1] (got {rate})");
        }

        Require(Cppn.WeightEta > 0 && float.IsFinite(Cppn.WeightEta), $"cppn.weightEta must be a finite number > 0 (got {Cppn.WeightEta})");
        Require(Cppn.WeightRange > 0 && float.IsFinite(Cppn.WeightRange), $"cppn.weightRange must be a finite number > 0 (got {Cppn.WeightRange})");
    }
}
