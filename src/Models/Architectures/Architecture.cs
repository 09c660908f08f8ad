using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Models.Architectures;

/// <summary>The classifier architectures the product can build by name.</summary>
public static class Architecture
{
    private static readonly Dictionary<string, Func<int, Module>> s_builders = new(StringComparer.Ordinal)
    {
        ["lenet"] = seed => new LeNet(seed),
        ["mlp"] = seed => new Mlp(seed),
    };

    /// <summary>Known architecture names, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = s_builders.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Builds a freshly initialised network.</summary>
    /// <exception cref="InvalidInputException">The name is not one of <see cref="Names"/>.</exception>
    public static Module Create(string name, int seed) => Builder(name)(seed);

    /// <summary>Checks that <paramref name="name"/> is a known architecture without building it.</summary>
    /// <exception cref="InvalidInputException">The name is not one of <see cref="Names"/>.</exception>
    public static void Require(string name) => Builder(name);

    private static Func<int, Module> Builder(string name) =>
        s_builders.TryGetValue(name, out Func<int, Module>? build)
            ? build
            : throw new InvalidInputException($"unknown model architecture '{name}'; valid: {string.Join(", ", Names)}");
}
