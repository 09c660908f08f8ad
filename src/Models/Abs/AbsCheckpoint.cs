using System.Globalization;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Models.Abs;

/// <summary>
/// An ABS model on disk: a folder with the ten class VAEs as <c>vae-0.safetensors</c> …
/// <c>vae-9.safetensors</c> (PyTorch state-dict names) and sidecars that make them a
/// classifier: <c>abs.json</c> for ABS and <c>abs-binary.json</c> for binary ABS, which share
/// the VAEs. The folder loads as <c>abs.json</c>; either sidecar loads by its path.
/// </summary>
public static class AbsCheckpoint
{
    /// <summary>The sidecar's architecture name.</summary>
    public const string ArchitectureName = "abs";

    /// <summary>The sidecar a folder loads as.</summary>
    public const string SidecarName = "abs.json";

    /// <summary>The sidecar of the binary variant.</summary>
    public const string BinarySidecarName = "abs-binary.json";

    /// <summary>The file of class <paramref name="digit"/>'s VAE inside <paramref name="folder"/>.</summary>
    public static string VaePath(string folder, int digit) => Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"vae-{digit}.safetensors"));

    /// <summary>Whether <paramref name="path"/> names an ABS model rather than a weights file: a folder or a <c>.json</c> sidecar.</summary>
    public static bool IsAbsPath(string path) =>
        Directory.Exists(path) || path.EndsWith(".json", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="path"/> names an ABS model in any form: its folder, one of its
    /// sidecars, or a packed weights file whose sidecar says <c>abs</c>. A missing or unreadable
    /// sidecar answers false; loading then says what is wrong.
    /// </summary>
    public static bool Names(string path)
    {
        if (IsAbsPath(path))
        {
            return true;
        }

        try
        {
            string sidecar = ModelCheckpoint.SidecarPath(path);
            return File.Exists(sidecar) && ModelSidecar.Load(sidecar).Architecture == ArchitectureName;
        }
        catch (InvalidInputException)
        {
            return false;
        }
    }

    /// <summary>Writes one VAE (a checkpoint after each epoch, and the final weights).</summary>
    /// <param name="folder">The model's folder, created if needed.</param>
    /// <param name="digit">Its class.</param>
    /// <param name="vae">The network.</param>
    /// <param name="epochs">Epochs it has been trained for, recorded in the file's metadata.</param>
    public static void SaveVae(string folder, int digit, ClassVae vae, int epochs)
    {
        ArgumentNullException.ThrowIfNull(vae);
        Directory.CreateDirectory(folder);
        SafeTensors.Save(VaePath(folder, digit), vae.StateDict(), VaeMetadata(digit, epochs));
    }

    /// <summary>One VAE as the bytes <see cref="SaveVae"/> would write, to send in a message.</summary>
    public static byte[] VaeToBytes(int digit, ClassVae vae, int epochs)
    {
        ArgumentNullException.ThrowIfNull(vae);
        return SafeTensors.ToBytes(vae.StateDict(), VaeMetadata(digit, epochs));
    }

    /// <summary>
    /// A VAE from safetensors bytes that came from elsewhere (a worker, a coordinator), in
    /// evaluation mode, after checking that they hold exactly a <see cref="ClassVae"/>'s state
    /// dict: its names and shapes, nothing more, every value finite and every batch-norm running
    /// variance non-negative. A <c>class</c> entry in the metadata must be <paramref name="digit"/>.
    /// </summary>
    /// <param name="bytes">A safetensors file's bytes.</param>
    /// <param name="digit">The class the VAE is meant to be.</param>
    /// <param name="source">What the bytes are, for error messages.</param>
    /// <exception cref="InvalidInputException">The bytes are not such a state dict.</exception>
    public static ClassVae VaeFromBytes(byte[] bytes, int digit, string source)
    {
        SafeTensorsFile file = SafeTensors.FromBytes(bytes, source);
        if (file.Metadata.TryGetValue("class", out string? recorded) && recorded != digit.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidInputException($"{source} records class {recorded}, not {digit}");
        }

        var vae = new ClassVae(seed: 0);
        IReadOnlyDictionary<string, Tensor> state = vae.StateDict();
        SafeTensors.CopyInto(file, state);
        foreach ((string name, Tensor tensor) in state)
        {
            ReadOnlySpan<float> values = tensor.Span;
            bool variance = name.EndsWith(".running_var", StringComparison.Ordinal);
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]) || (variance && values[i] < 0))
                {
                    throw new InvalidInputException($"{source}: {name}[{i}] is {values[i]}, {(variance ? "not a finite non-negative variance" : "not finite")}");
                }
            }
        }

        vae.Eval();
        return vae;
    }

    private static Dictionary<string, string> VaeMetadata(int digit, int epochs) => new()
    {
        ["format"] = "pt",
        ["architecture"] = "abs-vae",
        ["class"] = digit.ToString(CultureInfo.InvariantCulture),
        ["epochs"] = epochs.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Writes <c>abs.json</c> and <c>abs-binary.json</c> for VAEs trained with <paramref name="config"/>.</summary>
    /// <param name="folder">The model's folder.</param>
    /// <param name="config">How the VAEs were trained.</param>
    /// <param name="settings">How plain ABS classifies; the binary sidecar adds <see cref="AbsSettings.AsBinary"/>.</param>
    /// <param name="seconds">Wall-clock time the training took, if measured.</param>
    /// <param name="methodNote">Added to the recorded training method (e.g. how a continued run went on).</param>
    public static void SaveSidecars(string folder, AbsTrainingConfig config, AbsSettings settings, double? seconds = null, string methodNote = "")
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(settings);
        var sidecar = new ModelSidecar
        {
            Architecture = ArchitectureName,
            Dataset = "mnist",
            InputShape = [1, 28, 28],
            InputRange = [0f, 1f],
            Classes = AbsModel.Classes,
            Abs = settings,
            Training = new TrainingDetails
            {
                Epochs = config.Epochs,
                Seed = config.Seed,
                BatchSize = config.BatchSize,
                Optimiser = "adam",
                LearningRate = config.LearningRate,
                Seconds = seconds,
                Method = string.Create(CultureInfo.InvariantCulture, $"elbo(beta={config.Beta}), one vae per class{methodNote}"),
            },
            CreatedUtc = DateTime.UtcNow,
        };
        sidecar.Save(Path.Combine(folder, SidecarName));
        (sidecar with { Abs = settings.AsBinary() }).Save(Path.Combine(folder, BinarySidecarName));
    }

    /// <summary>
    /// The ten VAEs in <paramref name="folder"/>, to continue training them: a finished model's
    /// or an interrupted run's checkpoints, with the epochs they record and the training time
    /// the sidecar records (0 without one).
    /// </summary>
    /// <exception cref="InvalidInputException">A VAE is missing or damaged.</exception>
    public static (ClassVae[] Vaes, int Epochs, double Seconds) LoadVaes(string folder)
    {
        var vaes = new ClassVae[AbsModel.Classes];
        int epochs = int.MaxValue;
        for (int c = 0; c < AbsModel.Classes; c++)
        {
            (vaes[c], int trained) = LoadVae(folder, c);
            epochs = Math.Min(epochs, trained);
        }

        string sidecar = Path.Combine(folder, SidecarName);
        double seconds = File.Exists(sidecar) ? ModelSidecar.Load(sidecar).Training?.Seconds ?? 0 : 0;
        return (vaes, epochs, seconds);
    }

    /// <summary>Loads an ABS model from its folder or from one of its sidecars.</summary>
    /// <exception cref="InvalidInputException">A file is missing or damaged, the sidecar is not an ABS model's, or a VAE does not fit.</exception>
    public static LoadedModel Load(string path)
    {
        string sidecarPath = path;
        if (Directory.Exists(path))
        {
            sidecarPath = Path.Combine(path, SidecarName);
            if (!File.Exists(sidecarPath))
            {
                throw new InvalidInputException($"{path} is a folder without {SidecarName}, so it is no ABS model; train one into it with `./fooling abs train --out {path}`");
            }
        }
        else if (!File.Exists(path))
        {
            throw new InvalidInputException($"model {path} does not exist; an ABS model is a folder made by `./fooling abs train --out FOLDER`");
        }

        ModelSidecar sidecar = ModelSidecar.Load(sidecarPath);
        if (sidecar.Architecture != ArchitectureName || sidecar.Abs is null)
        {
            throw new InvalidInputException($"{sidecarPath} describes a {sidecar.Architecture} model, not ABS; pass its weights file ({Path.ChangeExtension(sidecarPath, ".safetensors")}) instead");
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(sidecarPath))!;
        var vaes = new ClassVae[AbsModel.Classes];
        for (int c = 0; c < AbsModel.Classes; c++)
        {
            vaes[c] = LoadVae(folder, c).Vae;
        }

        return new LoadedModel(path, new AbsModel(vaes, sidecar.Abs), sidecar);
    }

    /// <summary>
    /// Writes the ABS model at <paramref name="absPath"/> (a folder, or one of its sidecars to
    /// choose plain or binary ABS) as one weights file, the ten VAEs under <c>vae_0.</c> …
    /// <c>vae_9.</c>, with that sidecar beside it: the form a search's run folder keeps and
    /// workers fetch by hash, like any other model. <see cref="ModelCheckpoint.Load"/> reads it.
    /// </summary>
    /// <exception cref="InvalidInputException">The ABS model is missing, damaged or cannot run (<see cref="ModelCheck"/>).</exception>
    public static LoadedModel Pack(string absPath, string weightsPath) => Pack(ModelCheckpoint.Load(absPath), weightsPath);

    /// <summary>Writes a loaded ABS model, with the settings it has now, as one weights file (<see cref="Pack(string, string)"/>).</summary>
    public static LoadedModel Pack(LoadedModel loaded, string weightsPath)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded.Model is not AbsModel || loaded.Sidecar.Abs is null)
        {
            throw new ArgumentException($"{loaded.Path} is a {loaded.Sidecar.Architecture} model, not ABS", nameof(loaded));
        }

        string? folder = Path.GetDirectoryName(Path.GetFullPath(weightsPath));
        Directory.CreateDirectory(folder!);
        SafeTensors.Save(weightsPath, loaded.Model.StateDict(), new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["architecture"] = ArchitectureName,
        });
        loaded.Sidecar.Save(ModelCheckpoint.SidecarPath(weightsPath));
        return loaded with { Path = weightsPath };
    }

    /// <summary>
    /// The same VAEs as binary ABS (inputs binarised at 0.5, the authors' class scales), sharing
    /// the plain model's decoded prior samples; a binary model stays as it is.
    /// </summary>
    public static LoadedModel AsBinary(LoadedModel loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        if (loaded.Model is not AbsModel abs)
        {
            throw new ArgumentException($"{loaded.Path} is a {loaded.Sidecar.Architecture} model, not ABS", nameof(loaded));
        }

        AbsSettings binary = abs.Settings.Binary ? abs.Settings : abs.Settings.AsBinary();
        return loaded with { Model = abs.WithSettings(binary), Sidecar = loaded.Sidecar with { Abs = binary } };
    }

    /// <summary>Reads a model written by <see cref="Pack(string, string)"/>, whose sidecar is already loaded.</summary>
    /// <exception cref="InvalidInputException">The file is damaged or a tensor is missing or mis-shaped.</exception>
    internal static LoadedModel LoadPacked(string weightsPath, ModelSidecar sidecar)
    {
        var vaes = new ClassVae[AbsModel.Classes];
        for (int c = 0; c < vaes.Length; c++)
        {
            vaes[c] = new ClassVae(seed: 0);
        }

        var model = new AbsModel(vaes, sidecar.Abs!);
        SafeTensors.LoadInto(weightsPath, model.StateDict());
        model.Eval();
        return new LoadedModel(weightsPath, model, sidecar);
    }

    private static (ClassVae Vae, int Epochs) LoadVae(string folder, int digit)
    {
        string file = VaePath(folder, digit);
        if (!File.Exists(file))
        {
            throw new InvalidInputException($"ABS model {folder}: {Path.GetFileName(file)}, the VAE of class {digit}, is missing; train the model with `./fooling abs train --out {folder}`");
        }

        var vae = new ClassVae(seed: 0);
        SafeTensorsFile loaded = SafeTensors.LoadInto(file, vae.StateDict());
        vae.Eval();
        int epochs = loaded.Metadata.TryGetValue("epochs", out string? text) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) ? e : 0;
        return (vae, epochs);
    }
}
