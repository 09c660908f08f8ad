using FoolingCluster.Evolution.Randomness;
using FoolingCluster.Evolution.Variation;

namespace FoolingCluster.Evolution.Genomes.Cppn;

/// <summary>
/// Random CPPNs (inputs fully connected to the outputs, no hidden node) and their mutations:
/// add or delete a connection, add or delete a node, change weights, change activations.
/// There is no crossover, as in the reference experiments.
/// </summary>
public sealed class CppnVariation(ImageShape shape, CppnSettings settings) : IVariation<CppnGenome>
{
    /// <summary>Tries made to find a pair of nodes a new connection may join.</summary>
    private const int ConnectionAttempts = 32;

    /// <inheritdoc/>
    public double CrossoverRate => 0;

    /// <inheritdoc/>
    public CppnGenome CreateRandom(DeterministicRandom random)
    {
        var nodes = new List<CppnNode>
        {
            new(CppnGenome.InputX, CppnNodeKind.Input, CppnActivation.Linear),
            new(CppnGenome.InputY, CppnNodeKind.Input, CppnActivation.Linear),
            new(CppnGenome.InputD, CppnNodeKind.Input, CppnActivation.Linear),
            new(CppnGenome.BiasId, CppnNodeKind.Bias, CppnActivation.Linear),
        };
        var connections = new List<CppnConnection>();
        for (int c = 0; c < shape.Channels; c++)
        {
            int output = CppnGenome.FirstOutputId + c;
            nodes.Add(new CppnNode(output, CppnNodeKind.Output, RandomActivation(random)));
            for (int input = 0; input < CppnGenome.InputCount; input++)
            {
                connections.Add(new CppnConnection(input, output, RandomWeight(random)));
            }
        }

        return new CppnGenome(shape, nodes, connections, CppnGenome.FirstOutputId + shape.Channels);
    }

    /// <inheritdoc/>
    public CppnGenome Mutate(CppnGenome parent, DeterministicRandom random, int generation)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var nodes = parent.Nodes.ToList();
        var connections = parent.Connections.ToList();
        int nextId = parent.NextNodeId;

        if (random.NextBool(settings.AddConnectionRate))
        {
            AddConnection(nodes, connections, random);
        }

        if (random.NextBool(settings.DeleteConnectionRate) && connections.Count > 0)
        {
            connections.RemoveAt(random.NextInt(connections.Count));
        }

        if (random.NextBool(settings.AddNodeRate) && connections.Count > 0)
        {
            int split = random.NextInt(connections.Count);
            CppnConnection old = connections[split];
            var node = new CppnNode(nextId++, CppnNodeKind.Hidden, RandomActivation(random));
            nodes.Add(node);
            connections[split] = new CppnConnection(old.From, node.Id, RandomWeight(random));
            connections.Add(new CppnConnection(node.Id, old.To, old.Weight));
        }

        int fixedCount = CppnGenome.InputCount + shape.Channels;
        if (random.NextBool(settings.DeleteNodeRate) && nodes.Count > fixedCount)
        {
            int victim = nodes[fixedCount + random.NextInt(nodes.Count - fixedCount)].Id;
            nodes.RemoveAll(n => n.Id == victim);
            connections.RemoveAll(c => c.From == victim || c.To == victim);
        }

        for (int i = 0; i < connections.Count; i++)
        {
            if (random.NextBool(settings.WeightMutationRate))
            {
                CppnConnection c = connections[i];
                connections[i] = c with { Weight = PolynomialMutation.Mutate(c.Weight, -settings.WeightRange, settings.WeightRange, settings.WeightEta, random) };
            }
        }

        for (int i = CppnGenome.InputCount; i < nodes.Count; i++)
        {
            if (random.NextBool(settings.ActivationChangeRate))
            {
                CppnActivation current = nodes[i].Activation;
                int pick = random.NextInt(CppnActivations.All.Count - 1);
                CppnActivation other = CppnActivations.All[pick >= (int)current ? pick + 1 : pick];
                nodes[i] = nodes[i] with { Activation = other };
            }
        }

        return new CppnGenome(parent.Shape, nodes, connections, nextId);
    }

    /// <inheritdoc/>
    public (CppnGenome First, CppnGenome Second) Crossover(CppnGenome a, CppnGenome b, DeterministicRandom random) =>
        throw new NotSupportedException("the CPPN encoding has no crossover (its crossover rate is 0)");

    /// <summary>Joins a random source (input, bias, hidden) to a random target (hidden, output) that are not yet joined, unless that closes a cycle.</summary>
    private void AddConnection(List<CppnNode> nodes, List<CppnConnection> connections, DeterministicRandom random)
    {
        for (int attempt = 0; attempt < ConnectionAttempts; attempt++)
        {
            CppnNode from = nodes[random.NextInt(nodes.Count)];
            CppnNode to = nodes[random.NextInt(nodes.Count)];
            if (from.Kind == CppnNodeKind.Output || to.Kind is CppnNodeKind.Input or CppnNodeKind.Bias || from.Id == to.Id)
            {
                continue;
            }

            if (connections.Exists(c => c.From == from.Id && c.To == to.Id) || Reaches(connections, to.Id, from.Id))
            {
                continue;
            }

            connections.Add(new CppnConnection(from.Id, to.Id, RandomWeight(random)));
            return;
        }
    }

    /// <summary>Whether a path of connections leads from <paramref name="start"/> to <paramref name="goal"/>.</summary>
    private static bool Reaches(List<CppnConnection> connections, int start, int goal)
    {
        var stack = new Stack<int>();
        var visited = new HashSet<int>();
        stack.Push(start);
        while (stack.Count > 0)
        {
            int node = stack.Pop();
            if (node == goal)
            {
                return true;
            }

            if (!visited.Add(node))
            {
                continue;
            }

            foreach (CppnConnection c in connections)
            {
                if (c.From == node)
                {
                    stack.Push(c.To);
                }
            }
        }

        return false;
    }

    private float RandomWeight(DeterministicRandom random) => (float)random.NextDouble(-settings.WeightRange, settings.WeightRange);

    private static CppnActivation RandomActivation(DeterministicRandom random) => CppnActivations.All[random.NextInt(CppnActivations.All.Count)];
}
