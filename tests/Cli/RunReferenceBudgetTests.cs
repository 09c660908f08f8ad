using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Cli.Tests;

/// <summary>
/// The shipped configurations fool a LeNet in every class at ≥ 99.99 %, as the paper reports,
/// checked from the saved PNGs and the run's model copy rather than from anything the run
/// printed or stored about itself.
/// </summary>
/// <remarks>
/// The target here is trained for 2 epochs (98.5 %), less sure of itself than the 15-epoch
/// LeNet of <c>./run.sh</c>; on this machine both encodings reach ten fooled classes by
/// generation ~155 of the configured 200. The test allows 300 generations so that another
/// CPU, whose rounding sends the search along another path, does not fail it by chance.
/// </remarks>
[Collection(RunTestGroup.Name)]
public sealed class RunReferenceBudgetTests : IClassFixture<RunReferenceBudgetTests.TwoEpochLeNet>
{
    private readonly TwoEpochLeNet _target;

    public RunReferenceBudgetTests(TwoEpochLeNet target) => _target = target;

    [Theory]
    [InlineData("config/mnist-cppn.json")]
    [InlineData("config/mnist-direct.json")]
    public void Every_class_is_fooled_at_99_99_percent_recomputed_from_the_saved_pngs(string config)
    {
        using var scratch = new TempDirectory();
        string runs = scratch.File("runs");
        string configPath = Path.Combine(RepositoryRoot.Find(), config);
        (int exit, _, string err) = RunTestSupport.Fooling("run", configPath, "--model", _target.ModelPath, "--generations", "300", "--runs", runs);
        Assert.True(exit == 0, err);
        string run = RunTestSupport.SingleRunFolder(runs);

        LoadedModel model = ModelCheckpoint.Load(Path.Combine(run, RunFiles.Model));
        var classifier = new ModuleClassifier(model.Model, ImageShape.Mnist, 10);
        var probabilities = new float[10];
        for (int cell = 0; cell < 10; cell++)
        {
            float[] image = PngReader.Read(Path.Combine(run, RunFiles.ElitePng(cell))).ToFloat();
            classifier.Classify(image, 1, probabilities);
            Assert.True(probabilities[cell] >= 0.9999f, $"{config}: the elite PNG of class {cell} scores {probabilities[cell]:R} for its class");
        }
    }

    /// <summary>LeNet trained with Caffe's solver for 2 epochs on all of MNIST, seed 3 (about 20 s).</summary>
    public sealed class TwoEpochLeNet : IDisposable
    {
        private readonly TempDirectory _scratch = new();

        public TwoEpochLeNet()
        {
            ModelPath = _scratch.File("models/lenet.safetensors");
            (int exit, _, string err) = CliHarness.Run(
                "train", "--config", Path.Combine(RepositoryRoot.Find(), "config", "train-lenet.json"), "--epochs", "2", "--seed", "3",
                "--data", CliHarness.Mnist, "--out", ModelPath, "--runs", _scratch.File("train-runs"));
            if (exit != 0)
            {
                throw new InvalidOperationException($"training the target failed (exit {exit}): {err}");
            }
        }

        public string ModelPath { get; }

        public void Dispose() => _scratch.Dispose();
    }
}
