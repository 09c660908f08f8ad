using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tensors;

namespace FoolingCluster.Evolution.Evaluation;

/// <summary>A saved model opened as the target of a search.</summary>
public static class ClassifierCheckpoint
{
    /// <summary>
    /// Loads weights and sidecar and wraps them as a classifier of the sidecar's input shape; a
    /// network with a fooling class is the classifier of its real classes.
    /// </summary>
    /// <exception cref="InvalidInputException">Missing or damaged files, or a sidecar whose input shape is not <c>[C,H,W]</c>.</exception>
    /// <param name="weights">The model file.</param>
    /// <param name="backend">What runs an ONNX model; null for what its sidecar says, else the engine.</param>
    public static (LoadedModel Loaded, ModuleClassifier Classifier) Load(string weights, ModelBackend? backend = null)
    {
        LoadedModel loaded = ModelCheckpoint.Load(weights, backend);
        return (loaded, Wrap(loaded));
    }

    /// <summary>A loaded model as the classifier of its real classes.</summary>
    public static ModuleClassifier Wrap(LoadedModel loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        ModelSidecar sidecar = loaded.Sidecar;
        return new ModuleClassifier(loaded.Model, InputShape(loaded), sidecar.RealClasses, foolingOutputs: sidecar.Classes - sidecar.RealClasses);
    }

    /// <summary>The <c>[C,H,W]</c> input shape the sidecar records.</summary>
    public static ImageShape InputShape(LoadedModel loaded)
    {
        ArgumentNullException.ThrowIfNull(loaded);
        int[] s = loaded.Sidecar.InputShape;
        if (s.Length != 3 || s[0] is not (1 or 3) || s[1] < 1 || s[2] < 1)
        {
            throw new InvalidInputException($"{ModelCheckpoint.SidecarPath(loaded.Path)}: input_shape must be [C,H,W] with C = 1 or 3 (got [{string.Join(",", s)}])");
        }

        return new ImageShape(s[0], s[1], s[2]);
    }
}
