using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;

namespace FoolingCluster.Models.Architectures;

/// <summary>The classifier architectures the product can build by name.</summary>
public static class Architecture
{
    private static readonly Dictionary<string, Func<int, int, int, Module>> s_builders = new(StringComparer.Ordinal)
    {
        ["lenet"] = (seed, classes, _) => new LeNet(seed, classes),
        ["mlp"] = (seed, classes, inputs) => new Mlp(seed, classes, inputs),
    };

    /// <summary>Known architecture names, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = s_builders.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Builds a freshly initialised network.</summary>
    /// <param name="name">One of <see cref="Names"/>.</param>
    /// <param name="seed">Seed of the initial weights.</param>
    /// <param name="classes">Outputs of the last layer: 10 for MNIST, 11 with a fooling class.</param>
    /// <param name="inputs">Values per input image, C·H·W, for the architectures whose size follows the input (mlp); LeNet takes 28×28 grey images whatever it is.</param>
    /// <exception cref="InvalidInputException">The name is not one of <see cref="Names"/>.</exception>
    public static Module Create(string name, int seed, int classes = 10, int inputs = 28 * 28) => Builder(name)(seed, classes, inputs);

    /// <summary>Checks that <paramref name="name"/> is a known architecture without building it.</summary>
    /// <exception cref="InvalidInputException">The name is not one of <see cref="Names"/>.</exception>
    public static void Require(string name) => Builder(name);

    private static Func<int, int, int, Module> Builder(string name) =>
        s_builders.TryGetValue(name, out Func<int, int, int, Module>? build)
            ? build
            : throw new InvalidInputException(IsModelFile(name)
                ? $"'{name}' is a model file, not an architecture: train and retrain build a fresh {string.Join(" or ", Names)} (retraining copies weights between such networks), so an ONNX model is not trained here; it runs as given (use it as --model of run, attack or eval-robustness). Give an architecture: {string.Join(", ", Names)}"
                : $"unknown model architecture '{name}'; valid: {string.Join(", ", Names)}");

    /// <summary>Whether <paramref name="name"/> looks like a model file (where an architecture name was expected).</summary>
    private static bool IsModelFile(string name) =>
        name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
}
