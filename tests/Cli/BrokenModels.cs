using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Training;
using FoolingCluster.Tests.Shared;

namespace FoolingCluster.Cli.Tests;

/// <summary>Models that load but cannot classify, made in milliseconds from untrained networks.</summary>
internal static class BrokenModels
{
    /// <summary>An untrained LeNet with its sidecar: loads and runs, with finite outputs.</summary>
    public static string Untrained(TempDirectory scratch, string name)
    {
        string path = scratch.File(name);
        ModelCheckpoint.Save(new LeNet(seed: 1), path, new TrainingConfig(), testAccuracy: null);
        return path;
    }

    /// <summary>A LeNet with one NaN among its last layer's biases, as a diverged training leaves it.</summary>
    public static string WithNaN(TempDirectory scratch, string name)
    {
        var net = new LeNet(seed: 1);
        net.StateDict()["fc2.bias"].Span[3] = float.NaN;
        string path = scratch.File(name);
        ModelCheckpoint.Save(net, path, new TrainingConfig(), testAccuracy: null);
        return path;
    }

    /// <summary>An untrained LeNet whose sidecar declares <c>[1,32,32]</c> inputs, which its first linear layer cannot take.</summary>
    public static string WithWrongInputShape(TempDirectory scratch, string name)
    {
        string path = Untrained(scratch, name);
        string sidecar = ModelCheckpoint.SidecarPath(path);
        (ModelSidecar.Load(sidecar) with { InputShape = [1, 32, 32] }).Save(sidecar);
        return path;
    }

    /// <summary>An ABS model of untrained VAEs, packed into one file, with a NaN in class 3's decoder.</summary>
    public static string AbsWithNaN(TempDirectory scratch, string name)
    {
        var vaes = Enumerable.Range(0, AbsModel.Classes).Select(c => new ClassVae(seed: c)).ToArray();
        vaes[3].StateDict()["decoder.9.bias"].Span[0] = float.NaN;
        var sidecar = new ModelSidecar
        {
            Architecture = AbsCheckpoint.ArchitectureName,
            Dataset = "mnist",
            InputShape = [1, 28, 28],
            InputRange = [0f, 1f],
            Classes = AbsModel.Classes,
            Abs = new AbsSettings(),
            CreatedUtc = DateTime.UtcNow,
        };
        string path = scratch.File(name);
        AbsCheckpoint.Pack(new LoadedModel(path, new AbsModel(vaes, sidecar.Abs), sidecar), path);
        return path;
    }
}
