namespace FoolingCluster.Tensors.NN;

/// <summary>Modules applied in order; children are named "0", "1", … as in PyTorch.</summary>
public sealed class Sequential : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the chain.</summary>
    public Sequential(params Module[] layers)
    {
        foreach (Module layer in layers)
        {
            _layers.Add(RegisterModule(_layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), layer));
        }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        foreach (Module layer in _layers)
        {
            x = layer.Forward(x);
        }

        return x;
    }
}
