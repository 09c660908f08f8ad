using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// A model whose gradients are out of reach: it answers <see cref="Logits"/> and refuses
/// <see cref="LossGradient"/>. Wrap a network in it to be sure an attack uses nothing but the
/// model's outputs, or to hand a logits-only model to attacks that take an <see cref="IAttackModel"/>.
/// </summary>
public sealed class LogitsOnlyModel : IAttackModel, ILogitsModel
{
    private readonly Func<Tensor, Tensor> _logits;

    /// <param name="logits">Maps <c>[N,C,H,W]</c> images to <c>[N,K]</c> logits.</param>
    public LogitsOnlyModel(Func<Tensor, Tensor> logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        _logits = logits;
    }

    /// <summary>Hides the gradients of <paramref name="model"/>.</summary>
    public static LogitsOnlyModel From(IAttackModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new LogitsOnlyModel(model.Logits);
    }

    /// <summary>Images this model has classified so far.</summary>
    public long Queries { get; private set; }

    /// <inheritdoc cref="ILogitsModel.Logits"/>
    public Tensor Logits(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        Queries += images.Rank == 0 ? 1 : images.Shape[0];
        return _logits(images);
    }

    /// <summary>Always throws: this model exposes no gradients.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public Tensor LossGradient(Tensor images, ReadOnlySpan<int> labels) =>
        throw new NotSupportedException($"this model exposes only logits; use a decision-based attack, or wrap it in a {nameof(GradientEstimator)} for gradient attacks");
}
