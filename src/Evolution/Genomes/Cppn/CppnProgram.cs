namespace FoolingCluster.Evolution.Genomes.Cppn;

/// <summary>
/// A genome compiled for drawing: node slots in topological order (the four inputs first),
/// each non-input slot with its incoming (slot, weight) pairs and activation. Compiling is
/// also where the genome's invariants are checked.
/// </summary>
internal sealed class CppnProgram
{
    private CppnProgram(int slotCount, Step[] steps, int[] outputSlots)
    {
        SlotCount = slotCount;
        Steps = steps;
        OutputSlots = outputSlots;
    }

    /// <summary>Inputs, bias, hidden and output nodes; slots 0–3 are x, y, d, bias.</summary>
    public int SlotCount { get; }

    /// <summary>One step per hidden or output node, in an order where sources come first.</summary>
    public Step[] Steps { get; }

    /// <summary>Slot of output channel c.</summary>
    public int[] OutputSlots { get; }

    /// <summary>Computes slot <paramref name="Target"/> = activation(Σ weight · source slot).</summary>
    internal readonly record struct Step(int Target, CppnActivation Activation, int[] Sources, float[] Weights);

    /// <summary>Checks the invariants of <paramref name="genome"/> and orders its nodes.</summary>
    /// <exception cref="InvalidGenomeException">A broken invariant.</exception>
    public static CppnProgram Compile(CppnGenome genome)
    {
        IReadOnlyList<CppnNode> nodes = genome.Nodes;
        int outputs = genome.Shape.Channels;
        int fixedCount = CppnGenome.InputCount + outputs;
        if (nodes.Count < fixedCount)
        {
            throw new InvalidGenomeException($"a CPPN with {outputs} output(s) needs at least {fixedCount} nodes (got {nodes.Count})");
        }

        var index = new Dictionary<int, int>(nodes.Count);
        for (int i = 0; i < nodes.Count; i++)
        {
            CppnNode node = nodes[i];
            CppnNodeKind expected = i switch
            {
                < CppnGenome.BiasId => CppnNodeKind.Input,
                CppnGenome.BiasId => CppnNodeKind.Bias,
                _ when i < fixedCount => CppnNodeKind.Output,
                _ => CppnNodeKind.Hidden,
            };
            if (node.Kind != expected || (i < fixedCount && node.Id != i))
            {
                throw new InvalidGenomeException($"node {i} must be the {expected} node{(i < fixedCount ? $" with id {i}" : string.Empty)} (got {node.Kind} with id {node.Id})");
            }

            if (!Enum.IsDefined(node.Activation))
            {
                throw new InvalidGenomeException($"node {node.Id} has an unknown activation ({(int)node.Activation})");
            }

            if (node.Id < 0 || node.Id >= genome.NextNodeId)
            {
                throw new InvalidGenomeException($"node id {node.Id} must be in [0, next node id {genome.NextNodeId})");
            }

            if (!index.TryAdd(node.Id, i))
            {
                throw new InvalidGenomeException($"node id {node.Id} appears twice");
            }
        }

        var incoming = new List<(int Source, float Weight)>[nodes.Count];
        var outgoing = new List<int>[nodes.Count];
        for (int i = 0; i < nodes.Count; i++)
        {
            incoming[i] = [];
            outgoing[i] = [];
        }

        var seen = new HashSet<(int, int)>();
        foreach (CppnConnection c in genome.Connections)
        {
            if (!index.TryGetValue(c.From, out int from) || !index.TryGetValue(c.To, out int to))
            {
                throw new InvalidGenomeException($"connection {c.From}→{c.To} refers to a node that does not exist");
            }

            if (nodes[to].Kind is CppnNodeKind.Input or CppnNodeKind.Bias)
            {
                throw new InvalidGenomeException($"connection {c.From}→{c.To} feeds an input");
            }

            if (nodes[from].Kind == CppnNodeKind.Output)
            {
                throw new InvalidGenomeException($"connection {c.From}→{c.To} leaves an output");
            }

            if (!float.IsFinite(c.Weight))
            {
                throw new InvalidGenomeException($"connection {c.From}→{c.To} has a weight that is not finite");
            }

            if (!seen.Add((c.From, c.To)))
            {
                throw new InvalidGenomeException($"connection {c.From}→{c.To} appears twice");
            }

            incoming[to].Add((from, c.Weight));
            outgoing[from].Add(to);
        }

        int[] order = TopologicalOrder(nodes, incoming, outgoing);
        var slotOf = new int[nodes.Count];
        for (int s = 0; s < order.Length; s++)
        {
            slotOf[order[s]] = s;
        }

        var steps = new Step[order.Length - CppnGenome.InputCount];
        for (int s = CppnGenome.InputCount; s < order.Length; s++)
        {
            int node = order[s];
            List<(int Source, float Weight)> inputs = incoming[node];
            steps[s - CppnGenome.InputCount] = new Step(
                s,
                nodes[node].Activation,
                inputs.Select(e => slotOf[e.Source]).ToArray(),
                inputs.Select(e => e.Weight).ToArray());
        }

        int[] outputSlots = Enumerable.Range(CppnGenome.InputCount, outputs).Select(i => slotOf[i]).ToArray();
        return new CppnProgram(order.Length, steps, outputSlots);
    }

    /// <summary>Kahn's algorithm; inputs first in id order, then every other node after its sources.</summary>
    private static int[] TopologicalOrder(IReadOnlyList<CppnNode> nodes, List<(int Source, float Weight)>[] incoming, List<int>[] outgoing)
    {
        var remaining = new int[nodes.Count];
        var ready = new Queue<int>();
        for (int i = 0; i < nodes.Count; i++)
        {
            remaining[i] = incoming[i].Count;
            if (i < CppnGenome.InputCount)
            {
                ready.Enqueue(i);
            }
        }

        // Nodes without inputs other than the four inputs (an output or hidden node whose
        // connections were all deleted) are ready once the inputs are placed.
        var order = new List<int>(nodes.Count);
        var pending = new Queue<int>();
        for (int i = CppnGenome.InputCount; i < nodes.Count; i++)
        {
            if (remaining[i] == 0)
            {
                pending.Enqueue(i);
            }
        }

        while (ready.Count > 0 || pending.Count > 0)
        {
            int node = ready.Count > 0 ? ready.Dequeue() : pending.Dequeue();
            order.Add(node);
            foreach (int next in outgoing[node])
            {
                if (--remaining[next] == 0)
                {
                    pending.Enqueue(next);
                }
            }
        }

        if (order.Count != nodes.Count)
        {
            throw new InvalidGenomeException("the connections form a cycle; a CPPN must be feed-forward");
        }

        return order.ToArray();
    }
}
