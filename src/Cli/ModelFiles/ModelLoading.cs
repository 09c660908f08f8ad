using System.CommandLine;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tensors;

namespace FoolingCluster.Cli.ModelFiles;

/// <summary>
/// How commands open the models they are given: through <see cref="ModelCheckpoint.Load"/>,
/// with the <c>--backend</c> they were given, printing how an ONNX model or a file without a
/// sidecar was read before any work, so a wrong range or normalisation is seen at once.
/// </summary>
internal static class ModelLoading
{
    /// <summary>The <c>--backend</c> option: what runs an <c>.onnx</c> model.</summary>
    public static Option<string?> BackendOption() => new("--backend")
    {
        Description = $"what runs an .onnx model: {ModelBackends.EngineName} (imported into the engine's ops, with gradients; the default) or {ModelBackends.OnnxRuntimeName} (ONNX Runtime, forward only, for graphs the importer does not cover)",
    };

    /// <summary>The backend named by <c>--backend</c>; null when it was not given.</summary>
    /// <exception cref="InvalidInputException">An unknown name.</exception>
    public static ModelBackend? Backend(string? name) => name is null ? null : ModelBackends.Parse(name);

    /// <summary>Loads <paramref name="path"/> and prints its description to <paramref name="console"/>.</summary>
    /// <exception cref="InvalidInputException">The model cannot be loaded or cannot run; the message names the file.</exception>
    public static LoadedModel Load(string path, ModelBackend? backend, TextWriter console)
    {
        LoadedModel loaded = ModelCheckpoint.Load(path, backend);
        Print(loaded, console);
        return loaded;
    }

    /// <summary>Prints how <paramref name="loaded"/> was read, if that is more than its sidecar.</summary>
    public static void Print(LoadedModel loaded, TextWriter console)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ArgumentNullException.ThrowIfNull(console);
        foreach (string line in loaded.Description)
        {
            console.WriteLine(line);
        }
    }

    /// <summary>
    /// Refuses a model that does not take MNIST images, for commands whose images come from the
    /// MNIST test set; <paramref name="what"/> says what the command would do with them.
    /// </summary>
    /// <exception cref="InvalidInputException">The input shape is not <c>[1,28,28]</c> or the model has fewer than 10 classes.</exception>
    public static void RequireMnist(LoadedModel loaded, string what)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ModelSidecar s = loaded.Sidecar;
        if (!s.InputShape.SequenceEqual([1, 28, 28]))
        {
            throw new InvalidInputException($"{loaded.Path} takes images {Tensor.ShapeString(s.InputShape)}; {what} uses the MNIST test set, images [1,28,28], and there is no test set here for input shape {Tensor.ShapeString(s.InputShape)}");
        }

        if (s.RealClasses < 10)
        {
            throw new InvalidInputException($"{loaded.Path} has {s.RealClasses} classes; {what} uses the MNIST test set, whose labels are the 10 digits");
        }
    }
}
