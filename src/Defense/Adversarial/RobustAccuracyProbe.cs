using FoolingCluster.Attacks;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Defense.Adversarial;

/// <summary>
/// Accuracy under the training attack on a fixed set of held-out images, measured after each
/// epoch so that a user sees adversarial training working (or not) while it runs.
/// </summary>
/// <param name="heldOut">Images never trained on, e.g. the first 500 test images.</param>
/// <param name="settings">Validated settings with method fgsm or pgd: the probe uses the same attack and ε.</param>
public sealed class RobustAccuracyProbe(ImageDataset heldOut, AdversarialSettings settings)
{
    private readonly int[] _labels = [.. heldOut.Labels.Select(label => (int)label)];

    /// <summary>Fraction of the held-out images the model still classifies correctly after the attack, in [0,1].</summary>
    /// <param name="model">The network; its parameters are not changed.</param>
    public double Measure(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        using TensorScope scope = TensorScope.Begin();
        Tensor images = Tensor.FromArray(heldOut.Images, heldOut.Count, heldOut.Channels, heldOut.Height, heldOut.Width);
        AttackResult result = TrainingAttack.Create(settings, seed: 0)
            .Run(new ModuleAttackModel(model), images, _labels, [settings.Resolve().Epsilon!.Value]);

        // Misclassification counts an image the model already gets wrong as a success, so what
        // the attack did not succeed on is exactly what is still classified correctly.
        return 1 - result.SuccessRate(0);
    }
}
