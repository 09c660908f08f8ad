namespace FoolingCluster.Tensors.Optim;

/// <summary>Updates parameters from their accumulated gradients.</summary>
public abstract class Optimizer(IEnumerable<Tensor> parameters)
{
    /// <summary>The tensors this optimiser updates.</summary>
    protected IReadOnlyList<Tensor> Params { get; } = parameters.ToList();

    /// <summary>Learning rate; schedules change it between steps.</summary>
    public abstract float LearningRate { get; set; }

    /// <summary>Applies one update using each parameter's <see cref="Tensor.Grad"/> (parameters without one are skipped).</summary>
    public abstract void Step();

    /// <summary>Clears every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (Tensor p in Params)
        {
            p.Grad?.ZeroInPlace();
        }
    }
}
