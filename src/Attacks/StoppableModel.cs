using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks;

/// <summary>
/// A model that checks a cancellation token before every question an attack asks it, so that
/// every attack, whatever its loop, stops at its next step once the token is cancelled: each
/// step of an iterative attack asks the model for logits or a gradient. The token is also the
/// <see cref="StopScope"/> of each call, so a model whose one answer takes long (ABS, or
/// gradients estimated from many probes) stops inside it.
/// </summary>
/// <remarks>
/// It only forwards, so an attack that is not stopped gives exactly what it gives on the model
/// itself. A model that can differentiate its logits stays one (<see cref="ILogitGradientModel"/>).
/// </remarks>
internal class StoppableModel : IAttackModel
{
    private readonly IAttackModel _model;

    protected StoppableModel(IAttackModel model, CancellationToken cancel)
    {
        _model = model;
        Cancel = cancel;
    }

    protected CancellationToken Cancel { get; }

    /// <summary>
    /// <paramref name="model"/> checking <paramref name="cancel"/> before each call; the model
    /// itself when the token can never be cancelled.
    /// </summary>
    public static IAttackModel Wrap(IAttackModel model, CancellationToken cancel) => !cancel.CanBeCanceled ? model : model switch
    {
        ILogitGradientModel logits => new StoppableLogitGradientModel(logits, cancel),
        _ => new StoppableModel(model, cancel),
    };

    /// <inheritdoc/>
    public Tensor Logits(Tensor images)
    {
        Cancel.ThrowIfCancellationRequested();
        using StopScope stop = StopScope.Begin(Cancel);
        return _model.Logits(images);
    }

    /// <inheritdoc/>
    public Tensor LossGradient(Tensor images, ReadOnlySpan<int> labels)
    {
        Cancel.ThrowIfCancellationRequested();
        using StopScope stop = StopScope.Begin(Cancel);
        return _model.LossGradient(images, labels);
    }

    /// <summary>The same check for a model whose logits can be differentiated.</summary>
    private sealed class StoppableLogitGradientModel(ILogitGradientModel model, CancellationToken cancel) : StoppableModel(model, cancel), ILogitGradientModel
    {
        public LogitGradients Differentiate(Tensor images, LogitSeeds seeds)
        {
            Cancel.ThrowIfCancellationRequested();
            using StopScope stop = StopScope.Begin(Cancel);
            return model.Differentiate(images, seeds);
        }
    }
}
