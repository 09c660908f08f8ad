using System.CommandLine;
using System.Globalization;
using FoolingCluster.Cli.ModelFiles;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Import.Onnx.Export;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling export-onnx</c>: writes a trained built-in LeNet or MLP as the ONNX graph
/// <c>torch.onnx.export</c> gives for it (<see cref="OnnxExporter"/>), to run in ONNX Runtime,
/// PyTorch tooling or any other program that reads ONNX.
/// </summary>
internal static class ExportOnnxCommand
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = $"the weights to export (.safetensors of a built-in {string.Join(" or ", Architecture.Names)})", Required = true };
        var output = new Option<string>("--out") { Description = "the ONNX file to write (.onnx)", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an existing --out file" };
        var command = new Command("export-onnx", $"Write a trained {string.Join(" or ", Architecture.Names)} as an ONNX model (opset {OnnxExporter.Opset}, input [N,1,28,28] in [0,1], logits [N,K]).") { model, output, overwrite };
        command.SetAction(parse =>
        {
            string from = parse.GetValue(model)!, to = parse.GetValue(output)!;
            OutputLocation.RequireExtension(to, "--out", ".onnx");

            OutputLocation.RequireNewFile(to, "--out", parse.GetValue(overwrite));
            TextWriter console = parse.InvocationConfiguration.Output;
            LoadedModel loaded = ModelLoading.Load(from, ModelBackend.Engine, console);
            string architecture = loaded.Sidecar.Architecture;
            if (!Architecture.Names.Contains(architecture))
            {
                throw new InvalidInputException($"{from} is a{(architecture is "abs" or "onnx" or "onnxruntime" ? "n" : "")} {architecture} model; export-onnx writes only the built-in {string.Join(" and ", Architecture.Names)}{(OnnxCheckpoint.IsOnnxArchitecture(architecture) ? " (this one is ONNX already)" : "")}");
            }

            OnnxExporter.Write(loaded.Model, to, loaded.Sidecar.Dataset);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {to}: {architecture}, opset {OnnxExporter.Opset}, input [N,{string.Join(",", loaded.Sidecar.InputShape)}] in [0,1], {loaded.Sidecar.Classes} classes, {new FileInfo(to).Length / 1024:N0} KiB; use it as --model {to}"));
            return FoolingApp.Success;
        });
        return command;
    }
}
