using System.CommandLine;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling abs pack</c>: writes an ABS model folder (or one of its sidecars, for binary ABS)
/// as one weights file with its sidecar, the form any command that takes a weights file reads.
/// </summary>
internal static class AbsPackCommand
{
    public static Command Build()
    {
        var model = new Option<string>("--model") { Description = "the ABS model: its folder (plain ABS) or one of its sidecars (models/abs/abs-binary.json for binary ABS)", Required = true };
        var output = new Option<string>("--out") { Description = "the weights file to write (.safetensors); its sidecar goes beside it", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an existing --out file and its sidecar" };
        var pack = new Command("pack", "Write an ABS model as one .safetensors file with its .json sidecar, e.g. to copy it to another machine.") { model, output, overwrite };
        pack.SetAction(parse =>
        {
            string from = parse.GetValue(model)!, to = parse.GetValue(output)!;
            if (!AbsCheckpoint.IsAbsPath(from))
            {
                throw new InvalidInputException($"--model {from} is not an ABS model folder or sidecar");
            }

            OutputLocation.RequireExtension(to, "--out", ".safetensors", $"its sidecar is written as {ModelCheckpoint.SidecarPath(to)}");

            OutputLocation.RequireNewFile(to, "--out", parse.GetValue(overwrite), ModelCheckpoint.SidecarPath(to));
            LoadedModel packed = AbsCheckpoint.Pack(from, to);
            parse.InvocationConfiguration.Output.WriteLine(
                $"wrote {to} and {ModelCheckpoint.SidecarPath(to)}: {(packed.Sidecar.Abs!.Binary ? "binary ABS" : "ABS")}, {new FileInfo(to).Length / 1024:N0} KiB; use it as --model {to}");
            return FoolingApp.Success;
        });
        return pack;
    }
}
