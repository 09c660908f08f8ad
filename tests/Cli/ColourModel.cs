using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;
using FoolingCluster.Tests.Shared;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// An untrained, seeded colour classifier of many classes, saved as a user's model would be
/// (weights and sidecar), so searches at ImageNet's scale of 1,000 cells run without a download.
/// </summary>
internal static class ColourModel
{
    /// <summary>Names in the style of ImageNet's, one per class: the first few are ImageNet's own.</summary>
    public static string[] Names(int classes) =>
        Enumerable.Range(0, classes).Select(i => i switch
        {
            0 => "tench",
            1 => "goldfish",
            2 => "great white shark",
            3 => "tiger shark",
            _ => $"synset {i:D4}",
        }).ToArray();

    /// <summary>
    /// Saves an MLP taking <c>[3,side,side]</c> images to <paramref name="classes"/> outputs, its
    /// last layer scaled up so its confidences spread from near 0 to near 1 (an untrained network
    /// would give every class about 1/<paramref name="classes"/>).
    /// </summary>
    /// <returns>The weights path.</returns>
    public static string Save(TempDirectory scratch, int classes, int side, IReadOnlyList<string>? names, string file = "colour.safetensors")
    {
        var net = new Mlp(seed: 3, classes, inputs: 3 * side * side);
        IReadOnlyDictionary<string, Tensor> state = net.StateDict();
        foreach (ref float w in state["fc3.weight"].Span)
        {
            w *= 40;
        }

        string path = scratch.File(file);
        SafeTensors.Save(path, state, new Dictionary<string, string> { ["format"] = "pt", ["architecture"] = "mlp" });
        new ModelSidecar
        {
            Architecture = "mlp",
            Dataset = "test-colour",
            InputShape = [3, side, side],
            InputRange = [0f, 1f],
            Classes = classes,
            ClassNames = names,
            CreatedUtc = DateTime.UtcNow,
        }.Save(ModelSidecar.PathFor(path));
        return path;
    }
}
