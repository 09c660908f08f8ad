using System.Globalization;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Models.Checkpoints;

/// <summary>
/// A <c>.safetensors</c> file without its sidecar (a PyTorch <c>state_dict</c> saved with
/// <c>safetensors.torch.save_file</c>): loaded as the built-in architecture whose tensor names
/// and shapes it has exactly, as an MNIST classifier of <c>[1,28,28]</c> images in [0,1];
/// refused otherwise, with the sidecar to write.
/// </summary>
internal static class SidecarlessCheckpoint
{
    /// <exception cref="InvalidInputException">The tensors match no built-in architecture; the message shows the sidecar to create.</exception>
    public static LoadedModel Load(string weightsPath)
    {
        SafeTensorsFile file = SafeTensors.Load(weightsPath);
        string sidecarPath = ModelSidecar.PathFor(weightsPath);
        foreach (string name in Architecture.Names)
        {
            int? classes = MatchingClasses(file, name);
            if (classes is not int k)
            {
                continue;
            }

            Module model = Architecture.Create(name, seed: 0, k);
            SafeTensors.CopyInto(file, model.StateDict());
            model.Eval();
            var sidecar = new ModelSidecar
            {
                Architecture = name,
                Dataset = "mnist",
                InputShape = [1, 28, 28],
                InputRange = [0f, 1f],
                Classes = k,
                CreatedUtc = File.GetLastWriteTimeUtc(weightsPath),
            };
            return new LoadedModel(weightsPath, model, sidecar)
            {
                Description =
                [
                    string.Create(CultureInfo.InvariantCulture, $"model {weightsPath}: no sidecar {sidecarPath}; its tensor names and shapes are those of the built-in {name}, so it is loaded as {name} with {k} classes, MNIST images [1,28,28] in [0,1]"),
                ],
            };
        }

        throw new InvalidInputException(
            $"model file {weightsPath} has no sidecar {sidecarPath}, and its tensors ({Summary(file)}) are not those of a built-in architecture ({string.Join(", ", Architecture.Names)}); " +
            $"create {sidecarPath} saying what the weights are, e.g. {{\"architecture\": \"lenet\", \"dataset\": \"mnist\", \"input_shape\": [1, 28, 28], \"input_range\": [0, 1], \"classes\": 10, \"created_utc\": \"2026-01-01T00:00:00Z\"}} " +
            $"(architecture one of {string.Join(", ", Architecture.Names)}), or export the network as ONNX and pass the .onnx file");
    }

    /// <summary>The number of classes for which <paramref name="architecture"/>'s state dict has exactly the file's names and shapes, or null.</summary>
    private static int? MatchingClasses(SafeTensorsFile file, string architecture)
    {
        // The classes only change the last layer's rows: build with 10 to learn the names, then
        // read K from the file's last bias and compare every shape with a network of K outputs.
        IReadOnlyDictionary<string, Tensor> names = Architecture.Create(architecture, seed: 0).StateDict();
        if (names.Count != file.Names.Count || !names.Keys.All(file.Contains))
        {
            return null;
        }

        string lastBias = names.Keys.Where(n => n.EndsWith(".bias", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Last();
        int[] bias = file.Shape(lastBias);
        if (bias.Length != 1 || bias[0] < 1)
        {
            return null;
        }

        IReadOnlyDictionary<string, Tensor> expected = Architecture.Create(architecture, seed: 0, bias[0]).StateDict();
        return expected.All(p => Tensor.SameShape(file.Shape(p.Key), p.Value.Shape)) ? bias[0] : null;
    }

    private static string Summary(SafeTensorsFile file) =>
        string.Join(", ", file.Names.Take(6).Select(n => $"{n} {Tensor.ShapeString(file.Shape(n))}")) + (file.Names.Count > 6 ? ", …" : "");
}
