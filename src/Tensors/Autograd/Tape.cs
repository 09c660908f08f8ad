namespace FoolingCluster.Tensors.Autograd;

/// <summary>
/// Reverse-mode automatic differentiation. Ops call <see cref="Record"/>; <see cref="Backward"/>
/// accumulates into leaves' <see cref="Tensor.Grad"/>; <see cref="Grad(Tensor, Tensor[], Tensor?)"/> returns gradients with
/// respect to chosen tensors (typically the input images) without touching parameter gradients
/// and without computing gradients nobody asked for.
/// </summary>
public static class Tape
{
    /// <summary>Whether an op with these inputs must record itself.</summary>
    public static bool ShouldRecord(Tensor a) =>
        !NoGradScope.IsActive && (a.RequiresGrad || a.Node is not null);

    /// <summary>Whether an op with these inputs must record itself.</summary>
    public static bool ShouldRecord(Tensor a, Tensor b) =>
        !NoGradScope.IsActive && (a.RequiresGrad || a.Node is not null || b.RequiresGrad || b.Node is not null);

    /// <summary>Whether an op with these inputs must record itself.</summary>
    public static bool ShouldRecord(ReadOnlySpan<Tensor?> inputs)
    {
        if (NoGradScope.IsActive)
        {
            return false;
        }

        foreach (Tensor? t in inputs)
        {
            if (t is not null && (t.RequiresGrad || t.Node is not null))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Records that <paramref name="output"/> was computed from <paramref name="inputs"/>.
    /// Call only when <see cref="ShouldRecord(ReadOnlySpan{Tensor})"/> is true.
    /// </summary>
    public static void Record(string name, Tensor output, Tensor[] inputs, BackwardFunction backward)
    {
        output.Node = new GradNode(name, inputs, backward);
    }

    /// <summary>
    /// Backpropagates from <paramref name="root"/> and accumulates into the
    /// <see cref="Tensor.Grad"/> of every leaf with <see cref="Tensor.RequiresGrad"/>.
    /// </summary>
    /// <param name="root">Usually a scalar loss.</param>
    /// <param name="seed">dL/d(root); ones when null.</param>
    public static void Backward(Tensor root, Tensor? seed = null)
    {
        Dictionary<Tensor, Tensor> grads = Run(root, seed, target: null);
        foreach ((Tensor t, Tensor g) in grads)
        {
            if (t.Node is null && t.RequiresGrad)
            {
                Accumulate(t, g);
            }
        }
    }

    /// <summary>
    /// Gradients of <paramref name="root"/> with respect to <paramref name="inputs"/> only,
    /// like <c>torch.autograd.grad</c>. Parameter gradients are neither computed nor touched.
    /// An input the root does not depend on gets a zero gradient.
    /// </summary>
    public static Tensor[] Grad(Tensor root, Tensor[] inputs, Tensor? seed = null)
    {
        var targets = new HashSet<Tensor>(inputs, ReferenceEqualityComparer.Instance);
        Dictionary<Tensor, Tensor> grads = Run(root, seed, targets);
        var result = new Tensor[inputs.Length];
        for (int i = 0; i < inputs.Length; i++)
        {
            result[i] = grads.TryGetValue(inputs[i], out Tensor? g) ? g : Tensor.Zeros(inputs[i].Shape);
        }

        return result;
    }

    /// <summary>
    /// Whether <paramref name="root"/> was computed from <paramref name="input"/> through recorded ops,
    /// so that <see cref="Grad(Tensor, Tensor, Tensor?)"/> has a path to follow. False for an output
    /// made outside the tape (under <see cref="NoGradScope"/> or by code that does not record), whose
    /// gradient <see cref="Grad(Tensor, Tensor[], Tensor?)"/> would report as zero.
    /// </summary>
    public static bool DependsOn(Tensor root, Tensor input)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(input);
        var target = new HashSet<Tensor>([input], ReferenceEqualityComparer.Instance);
        return Relevant(TopologicalOrder(root), target).Contains(root);
    }

    /// <summary>Gradient of <paramref name="root"/> with respect to one input.</summary>
    public static Tensor Grad(Tensor root, Tensor input, Tensor? seed = null) => Grad(root, [input], seed)[0];

    private static void Accumulate(Tensor leaf, Tensor g)
    {
        if (leaf.Grad is null || leaf.Grad.IsDisposed)
        {
            // Detached so the gradient survives the scope of the step that made it.
            leaf.Grad = g.Detach();
        }
        else
        {
            Kernels.Elementwise.AddInPlace(leaf.Grad.Span, g.Span);
        }
    }

    private static Dictionary<Tensor, Tensor> Run(Tensor root, Tensor? seed, HashSet<Tensor>? target)
    {
        List<Tensor> order = TopologicalOrder(root);
        HashSet<Tensor> relevant = Relevant(order, target);
        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        if (!relevant.Contains(root))
        {
            return grads;
        }

        if (seed is not null && !Tensor.SameShape(seed.Shape, root.Shape))
        {
            throw new ShapeMismatchException($"backward seed has shape {Tensor.ShapeString(seed.Shape)} but the root has shape {Tensor.ShapeString(root.Shape)}");
        }

        // Every stored gradient is owned by exactly one tensor, so accumulating in place never
        // changes another tensor's gradient even when an op hands the same object to two inputs.
        var stored = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        grads[root] = seed is null ? Tensor.Full(1f, root.Shape) : seed.Clone();
        stored.Add(grads[root]);
        using NoGradScope noGrad = NoGradScope.Begin();
        for (int i = order.Count - 1; i >= 0; i--)
        {
            Tensor t = order[i];
            GradNode? node = t.Node;
            if (node is null || !grads.TryGetValue(t, out Tensor? g))
            {
                continue;
            }

            Tensor[] inputs = node.Inputs;
            var needs = new bool[inputs.Length];
            bool any = false;
            for (int k = 0; k < inputs.Length; k++)
            {
                needs[k] = relevant.Contains(inputs[k]);
                any |= needs[k];
            }

            if (!any)
            {
                continue;
            }

            var gradInputs = new Tensor?[inputs.Length];
            node.Backward(g, needs, gradInputs);
            for (int k = 0; k < inputs.Length; k++)
            {
                Tensor? gi = gradInputs[k];
                if (!needs[k] || gi is null)
                {
                    continue;
                }

                if (!Tensor.SameShape(gi.Shape, inputs[k].Shape))
                {
                    throw new InvalidOperationException($"{node.Name} backward produced a gradient of shape {Tensor.ShapeString(gi.Shape)} for an input of shape {Tensor.ShapeString(inputs[k].Shape)}");
                }

                if (grads.TryGetValue(inputs[k], out Tensor? existing))
                {
                    Kernels.Elementwise.AddInPlace(existing.Span, gi.Span);
                }
                else
                {
                    Tensor owned = stored.Add(gi) ? gi : gi.Clone();
                    stored.Add(owned);
                    grads[inputs[k]] = owned;
                }
            }
        }

        return grads;
    }

    /// <summary>Tensors reachable from the root, inputs before the ops that consume them.</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, bool Expanded)>();
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            (Tensor t, bool expanded) = stack.Pop();
            if (expanded)
            {
                order.Add(t);
                continue;
            }

            if (!visited.Add(t))
            {
                continue;
            }

            stack.Push((t, true));
            if (t.Node is not null)
            {
                foreach (Tensor input in t.Node.Inputs)
                {
                    if (!visited.Contains(input))
                    {
                        stack.Push((input, false));
                    }
                }
            }
        }

        return order;
    }

    /// <summary>
    /// Tensors whose gradient is wanted or leads to a wanted one: a node's input is worth a
    /// backward computation only if it is in this set.
    /// </summary>
    private static HashSet<Tensor> Relevant(List<Tensor> order, HashSet<Tensor>? target)
    {
        var relevant = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (Tensor t in order)
        {
            bool wanted = target is null ? (t.Node is null && t.RequiresGrad) : target.Contains(t);
            if (!wanted && t.Node is not null)
            {
                foreach (Tensor input in t.Node.Inputs)
                {
                    if (relevant.Contains(input))
                    {
                        wanted = true;
                        break;
                    }
                }
            }

            if (wanted)
            {
                relevant.Add(t);
            }
        }

        return relevant;
    }
}
