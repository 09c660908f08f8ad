using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Randomness;

namespace FoolingCluster.Evolution.Tests.Support;

/// <summary>Hand-built and evolved CPPNs for the tests.</summary>
internal static class CppnSamples
{
    /// <summary>Inputs x, y, d, bias and <paramref name="channels"/> outputs with the given activation, no connections.</summary>
    public static List<CppnNode> FixedNodes(int channels, CppnActivation output = CppnActivation.Linear)
    {
        var nodes = new List<CppnNode>
        {
            new(CppnGenome.InputX, CppnNodeKind.Input, CppnActivation.Linear),
            new(CppnGenome.InputY, CppnNodeKind.Input, CppnActivation.Linear),
            new(CppnGenome.InputD, CppnNodeKind.Input, CppnActivation.Linear),
            new(CppnGenome.BiasId, CppnNodeKind.Bias, CppnActivation.Linear),
        };
        for (int c = 0; c < channels; c++)
        {
            nodes.Add(new CppnNode(CppnGenome.FirstOutputId + c, CppnNodeKind.Output, output));
        }

        return nodes;
    }

    /// <summary>A grey genome with hidden nodes 5 and 6 (given activations) and the given connections.</summary>
    public static CppnGenome Grey(ImageShape shape, IEnumerable<CppnConnection> connections, params CppnActivation[] hidden)
    {
        List<CppnNode> nodes = FixedNodes(1);
        for (int i = 0; i < hidden.Length; i++)
        {
            nodes.Add(new CppnNode(CppnGenome.FirstOutputId + 1 + i, CppnNodeKind.Hidden, hidden[i]));
        }

        return new CppnGenome(shape, nodes, connections, CppnGenome.FirstOutputId + 1 + hidden.Length);
    }

    /// <summary>
    /// <paramref name="count"/> genomes, each a random genome mutated <paramref name="mutations"/>
    /// times with structural rates raised so hidden nodes appear quickly.
    /// </summary>
    /// <param name="weightRange">Weights lie in [−weightRange, weightRange] (10 in the reference settings).</param>
    public static List<CppnGenome> Evolved(ImageShape shape, int count, int mutations, long seed, float weightRange = 10f)
    {
        var variation = new CppnVariation(shape, GrowthSettings with { WeightRange = weightRange });
        var random = new DeterministicRandom(seed);
        var genomes = new List<CppnGenome>(count);
        for (int i = 0; i < count; i++)
        {
            CppnGenome genome = variation.CreateRandom(random);
            int steps = mutations == 0 ? 0 : random.NextInt(mutations + 1);
            for (int m = 0; m < steps; m++)
            {
                genome = variation.Mutate(genome, random, m);
            }

            genomes.Add(genome);
        }

        return genomes;
    }

    /// <summary>Settings that grow networks faster than the reference ones.</summary>
    public static CppnSettings GrowthSettings { get; } = new()
    {
        AddConnectionRate = 0.5,
        DeleteConnectionRate = 0.1,
        AddNodeRate = 0.3,
        DeleteNodeRate = 0.05,
        WeightMutationRate = 0.2,
        ActivationChangeRate = 0.2,
    };
}
