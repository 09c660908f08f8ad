namespace FoolingCluster.Tensors.NN;

/// <summary>
/// A layer or a network: owns named parameters, buffers and child modules, with PyTorch's
/// dotted state-dict names (<c>conv1.weight</c>, <c>bn1.running_mean</c>).
/// </summary>
public abstract class Module
{
    private readonly List<(string Name, Tensor Tensor)> _parameters = [];
    private readonly List<(string Name, Tensor Tensor)> _buffers = [];
    private readonly List<(string Name, Module Module)> _children = [];

    /// <summary>Whether the module is in training mode (batch-norm statistics, dropout).</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Computes the module's output.</summary>
    public abstract Tensor Forward(Tensor x);

    /// <summary>Sets training mode on this module and every descendant.</summary>
    public void Train(bool training = true)
    {
        Training = training;
        foreach ((_, Module child) in _children)
        {
            child.Train(training);
        }
    }

    /// <summary>Sets evaluation mode on this module and every descendant.</summary>
    public void Eval() => Train(false);

    /// <summary>Trainable tensors with their dotted names, in registration order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters() => Collect(m => m._parameters, "");

    /// <summary>Trainable tensors, in registration order.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    /// <summary>Everything that defines the module's state: parameters and buffers, by dotted name.</summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach ((string name, Tensor t) in Collect(m => m._parameters.Concat(m._buffers), ""))
        {
            state[name] = t;
        }

        return state;
    }

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount() => Parameters().Sum(p => (long)p.Size);

    /// <summary>Clears every parameter's accumulated gradient.</summary>
    public void ZeroGrad()
    {
        foreach (Tensor p in Parameters())
        {
            p.Grad?.ZeroInPlace();
        }
    }

    /// <summary>Registers a trainable tensor under <paramref name="name"/>.</summary>
    protected Tensor RegisterParameter(string name, Tensor tensor)
    {
        tensor.RequiresGrad = true;
        _parameters.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a non-trainable state tensor (running statistics) under <paramref name="name"/>.</summary>
    protected Tensor RegisterBuffer(string name, Tensor tensor)
    {
        _buffers.Add((name, tensor));
        return tensor;
    }

    /// <summary>Registers a child whose tensors are named <c>name.…</c>.</summary>
    protected T RegisterModule<T>(string name, T module)
        where T : Module
    {
        _children.Add((name, module));
        return module;
    }

    private IEnumerable<(string Name, Tensor Tensor)> Collect(Func<Module, IEnumerable<(string Name, Tensor Tensor)>> select, string prefix)
    {
        foreach ((string name, Tensor t) in select(this))
        {
            yield return (prefix + name, t);
        }

        foreach ((string name, Module child) in _children)
        {
            foreach ((string Name, Tensor Tensor) item in child.Collect(select, prefix + name + "."))
            {
                yield return item;
            }
        }
    }
}
