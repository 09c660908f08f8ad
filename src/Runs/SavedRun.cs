using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Configuration;
using FoolingCluster.Runs.Reporting;
using FoolingCluster.Tensors;

namespace FoolingCluster.Runs;

/// <summary>An elite as a picture: the 8-bit-exact image and what the run measured for it.</summary>
/// <param name="Cell">Class it fools.</param>
/// <param name="Confidence">The run model's probability of that class.</param>
/// <param name="Generation">Generation that produced it.</param>
/// <param name="Image"><c>[C,H,W]</c> in [0,1], multiples of 1/255.</param>
public sealed record EliteImage(int Cell, float Confidence, int Generation, float[] Image);

/// <summary>
/// A finished or stopped run folder read back: its configuration, its copy of the target
/// model, and its elites drawn from the archive snapshot.
/// </summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Config">Its configuration.</param>
/// <param name="Model">Its copy of the target model.</param>
/// <param name="Shape">Image shape of the run.</param>
/// <param name="Elites">One image per filled cell, in cell order.</param>
public sealed record SavedRun(string Folder, EvolutionConfig Config, LoadedModel Model, ImageShape Shape, IReadOnlyList<EliteImage> Elites)
{
    /// <summary>The run's target as a classifier.</summary>
    public ModuleClassifier Classifier => ClassifierCheckpoint.Wrap(Model);

    /// <summary>Reads <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidInputException">Not a run folder, or a damaged one; the message names the file.</exception>
    public static SavedRun Load(string folder)
    {
        string configPath = Path.Combine(folder, RunFiles.Config);
        if (!Directory.Exists(folder) || !File.Exists(configPath))
        {
            throw new InvalidInputException($"{folder} is not a run folder of `fooling run` (no {RunFiles.Config} in it)");
        }

        EvolutionConfig config = StrictJson.Read<EvolutionConfig>(configPath);
        LoadedModel model = ModelCheckpoint.Load(RunFiles.ModelIn(folder));
        ImageShape shape = ClassifierCheckpoint.InputShape(model);
        string archive = Path.Combine(folder, RunFiles.Archive);
        int cells = model.Sidecar.RealClasses;
        IReadOnlyList<EliteImage> elites = config.Encoding switch
        {
            CppnEncoding.EncodingName => Draw(archive, new CppnEncoding(shape, config.Cppn), cells),
            DirectEncoding.EncodingName => Draw(archive, new DirectEncoding(shape, config.Direct), cells),
            _ => throw new InvalidInputException($"{configPath}: unknown encoding '{config.Encoding}'"),
        };
        return new SavedRun(Path.GetFullPath(folder), config, model, shape, elites);
    }

    private static IReadOnlyList<EliteImage> Draw<TGenome>(string archivePath, IEncoding<TGenome> encoding, int cells)
    {
        EliteArchive<TGenome> archive = ArchiveSnapshot.Load(archivePath, encoding, cells).Archive;
        return EliteImages.Render(archive, encoding.Decoder)
            .Select(e => new EliteImage(e.Elite.Cell, e.Elite.Confidence, e.Elite.Generation, e.Image))
            .ToArray();
    }
}
