using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Ops;
using FoolingCluster.Tensors.Optim;

namespace FoolingCluster.Defense.Adversarial;

/// <summary>
/// The adversarial training objective <c>α·CE(f(x), y) + (1 − α)·CE(f(x′), y)</c>, with x′ an L∞
/// attack of radius ε on the model as it stands before the step (Goodfellow, Shlens &amp; Szegedy,
/// ICLR 2015, eq. 6, with FGSM; Madry et al., ICLR 2018, with PGD and α = 0).
/// </summary>
/// <remarks>
/// x′ is a constant of the step: the attack differentiates with respect to the input only
/// (<see cref="IAttackModel.LossGradient"/> leaves parameter gradients alone), and the loss is then
/// differentiated with respect to the parameters at fixed x′, as both papers do. The attack runs
/// with the model in evaluation mode, so a network with dropout or batch norm is attacked as it
/// will be deployed; the loss is computed in training mode.
/// </remarks>
public sealed class AdversarialObjective : ITrainingStep
{
    private readonly AdversarialSettings _settings;
    private readonly int _seed;
    private long _steps;

    /// <param name="settings">Validated settings with method fgsm or pgd.</param>
    /// <param name="seed">Seed of PGD's random starts; batch t starts from seed and t.</param>
    public AdversarialObjective(AdversarialSettings settings, int seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.IsAdversarial)
        {
            throw new ArgumentException("adversarial training needs method fgsm or pgd", nameof(settings));
        }

        _settings = settings.Resolve();
        _seed = seed;
    }

    /// <summary>L∞ radius of the perturbation.</summary>
    public float Epsilon => _settings.Epsilon!.Value;

    /// <summary>Weight of the clean loss.</summary>
    public float Alpha => _settings.Alpha!.Value;

    /// <summary>The adversarial examples of a batch against the model as it is now.</summary>
    /// <param name="model">The network; left in evaluation mode.</param>
    /// <param name="images"><c>[B,C,H,W]</c> in [0,1].</param>
    /// <param name="labels">B true labels.</param>
    /// <returns><c>[B,C,H,W]</c> within ε of <paramref name="images"/> in L∞ and in [0,1]; belongs to no scope.</returns>
    public Tensor Perturb(Module model, Tensor images, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(images);
        GradientDescentAttack attack = TrainingAttack.Create(_settings, unchecked(_seed + (int)(_steps * 7919)));
        var target = new ModuleAttackModel(model, maxBatch: Math.Max(1, images.Shape[0]));
        return attack.Run(target, images, labels, [Epsilon]).Clipped[0];
    }

    /// <inheritdoc/>
    public (float Loss, int Correct) Step(Module model, Optimizer optimizer, Tensor images, int[] labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizer);
        using TensorScope scope = TensorScope.Begin();
        Tensor adversarial = Perturb(model, images, labels);
        _steps++;
        model.Train();

        Tensor adversarialLogits = model.Forward(adversarial);
        Tensor loss = Functional.CrossEntropy(adversarialLogits, labels);
        if (Alpha > 0f)
        {
            // Skipped at α = 0 (Madry's objective): the clean forward pass would only be multiplied by zero.
            Tensor clean = Functional.CrossEntropy(model.Forward(images), labels);
            loss = Functional.Add(Functional.MulScalar(clean, Alpha), Functional.MulScalar(loss, 1f - Alpha));
        }

        model.ZeroGrad();
        loss.Backward();
        optimizer.Step();
        return (loss[0], Trainer.CountCorrect(adversarialLogits, labels));
    }
}
