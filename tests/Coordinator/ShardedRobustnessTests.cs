using FoolingCluster.Attacks;
using FoolingCluster.Attacks.Abs;
using FoolingCluster.Attacks.Robustness;
using FoolingCluster.Coordinator.Robustness;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Training;
using FoolingCluster.Protocol;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Worker;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Models;
using Xunit;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>
/// A robustness evaluation sharded over workers gives what the in-process one gives, and a worker
/// whose results lie (moved adversarials, shrunk distances, wrong counts, NaN) is refused slice by
/// slice while the honest answers still complete the evaluation.
/// </summary>
public sealed class ShardedRobustnessTests
{
    private const int Images = 36;
    private const int SliceSize = 10;

    private static readonly RobustnessPlan s_plan = RobustnessPlan.Create(["l2", "linf"], ["fgm", "deepfool", "fgsm"]);

    [Fact]
    public async Task Two_workers_give_the_in_process_result()
    {
        using var scratch = new TempDirectory();
        (string model, RunSpecMessage spec, IAttackModel referee, Tensor images, int[] labels) = Setup(scratch);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using EmbeddedNode node = await EmbeddedNode.StartAsync(null, stop.Token);
        Task[] workers = [.. Enumerable.Range(0, 2).Select(w => new WorkerService(node.Worker($"w{w}"), new JobExecutor($"w{w}", new LocalModelSource(model)), TimeSpan.FromSeconds(1)).RunAsync(stop.Token))];
        var sharded = new ShardedRobustnessEvaluation(node.Coordinator, spec, referee);
        var seen = new List<SliceProgress>();

        RobustnessResult result = await sharded.RunAsync(s_plan, images, labels, SliceSize, new Progress<SliceProgress>(seen.Add), stop.Token);

        await stop.CancelAsync();
        await Task.WhenAll(workers.Select(Quietly));
        RobustnessResult local = new RobustnessEvaluation(s_plan).Run(referee, images, labels);
        AssertSame(local, result);
        Assert.Equal(0, sharded.Refused);
    }

    [Fact]
    public async Task Lying_results_are_refused_and_the_honest_ones_complete_the_evaluation()
    {
        using var scratch = new TempDirectory();
        (string model, RunSpecMessage spec, IAttackModel referee, Tensor images, int[] labels) = Setup(scratch);
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using EmbeddedNode node = await EmbeddedNode.StartAsync(null, stop.Token);
        Task liar = LyingWorker.RunAsync(node.Worker("liar"), new JobExecutor("liar", new LocalModelSource(model)), honest => Lies(honest.Robustness).Select(lie => new WorkerMessage { Robustness = lie }), stop.Token);
        var sharded = new ShardedRobustnessEvaluation(node.Coordinator, spec, referee);

        RobustnessResult result = await sharded.RunAsync(s_plan, images, labels, SliceSize, null, stop.Token);

        await stop.CancelAsync();
        await Quietly(liar);
        int slices = (Images + SliceSize - 1) / SliceSize;
        Assert.Equal(4 * slices, sharded.Refused);
        AssertSame(new RobustnessEvaluation(s_plan).Run(referee, images, labels), result);
    }

    [Fact]
    public async Task An_abs_model_travels_packed_and_its_sharded_evaluation_equals_the_in_process_one()
    {
        using var scratch = new TempDirectory();
        string folder = scratch.File("abs");
        for (int c = 0; c < AbsModel.Classes; c++)
        {
            AbsCheckpoint.SaveVae(folder, c, new ClassVae(seed: c), epochs: 1);
        }

        AbsCheckpoint.SaveSidecars(folder, new AbsTrainingConfig { Epochs = 1 }, new AbsSettings { Samples = 100, Steps = 2 });
        string packed = scratch.File("abs.safetensors");
        AbsCheckpoint.Pack(folder, packed);
        var spec = new RunSpecMessage { RunId = "abs-robustness-test", Channels = 1, Height = 28, Width = 28, Classes = 10, ModelSha256 = new LocalModelSource(packed).Sha256 };
        RobustnessPlan plan = RobustnessPlan.Create(["l2"], ["latent-descent", "fgm"], seed: 1, gradientProbes: 4);
        IAttackModel referee = plan.Target(ModelCheckpoint.Load(folder).Model);
        Assert.IsType<AbsAttackModel>(referee);
        var random = new Random(5);
        const int n = 6;
        var images = Tensor.Wrap([.. Enumerable.Range(0, n * 784).Select(_ => random.NextSingle())], n, 1, 28, 28);
        // Labelled as the model sees them, so that every image has an adversarial to find.
        float[] logits = referee.Logits(images).ToArray();
        int[] labels = [.. Enumerable.Range(0, n).Select(i => Array.IndexOf(logits, logits.AsSpan(i * 10, 10).ToArray().Max(), i * 10) - (i * 10))];
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using EmbeddedNode node = await EmbeddedNode.StartAsync(null, stop.Token);
        Task[] workers = [.. Enumerable.Range(0, 2).Select(w => new WorkerService(node.Worker($"w{w}"), new JobExecutor($"w{w}", new LocalModelSource(packed)), TimeSpan.FromSeconds(1)).RunAsync(stop.Token))];
        var sharded = new ShardedRobustnessEvaluation(node.Coordinator, spec, referee);

        RobustnessResult result = await sharded.RunAsync(plan, images, labels, 3, null, stop.Token);

        await stop.CancelAsync();
        await Task.WhenAll(workers.Select(Quietly));
        Assert.Equal(0, sharded.Refused);
        RobustnessResult local = new RobustnessEvaluation(plan).Run(referee, images, labels);
        Assert.Equal(local.CleanCorrect, result.CleanCorrect);
        Assert.Equal(local.Norms[0].Smallest, result.Norms[0].Smallest);
        Assert.All(result.CleanCorrect, Assert.True);
        Assert.All(result.Norms[0].Smallest, d => Assert.True(d > 0 && double.IsFinite(d), $"distance {d}"));
    }

    private static IEnumerable<RobustnessResultMessage> Lies(RobustnessResultMessage honest)
    {
        // Every distance halved: the adversarials no longer lie where claimed.
        RobustnessResultMessage shrunk = honest.Clone();
        foreach (AttackDistancesMessage attack in shrunk.Norms.SelectMany(n => n.Attacks))
        {
            double[] halves = [.. attack.Distances.Select(d => d / 2)];
            attack.Distances.Clear();
            attack.Distances.AddRange(halves);
        }

        yield return shrunk;

        // The first image's adversarial swapped for another image's: wrong distance, or not adversarial.
        RobustnessResultMessage moved = honest.Clone();
        float[] adversarials = FloatBytes.ToArray(moved.Norms[0].Adversarials, moved.Norms[0].Adversarials.Length / 4)!;
        adversarials.AsSpan(784, 784).CopyTo(adversarials.AsSpan(0, 784));
        moved.Norms[0].Adversarials = FloatBytes.From(adversarials);
        yield return moved;

        RobustnessResultMessage shortened = honest.Clone();
        shortened.Norms[1].Attacks[0].Distances.RemoveAt(0);
        yield return shortened;

        RobustnessResultMessage nan = honest.Clone();
        nan.Norms[0].Attacks[1].Distances[0] = double.NaN;
        yield return nan;
    }

    private static (string Model, RunSpecMessage Spec, IAttackModel Referee, Tensor Images, int[] Labels) Setup(TempDirectory scratch)
    {
        var net = new LeNet(3);
        net.Eval();
        string model = scratch.File("lenet.safetensors");
        ModelCheckpoint.Save(net, model, new TrainingConfig(), null);
        var spec = new RunSpecMessage { RunId = "robustness-test", Channels = 1, Height = 28, Width = 28, Classes = 10, ModelSha256 = new LocalModelSource(model).Sha256 };
        var random = new Random(4);
        float[] pixels = [.. Enumerable.Range(0, Images * 784).Select(_ => random.NextSingle())];
        int[] labels = [.. Enumerable.Range(0, Images).Select(i => i % 10)];
        return (model, spec, new ModuleLogitGradientModel(ModelCheckpoint.Load(model).Model), Tensor.Wrap(pixels, Images, 1, 28, 28), labels);
    }

    private static void AssertSame(RobustnessResult expected, RobustnessResult actual)
    {
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.CleanCorrect, actual.CleanCorrect);
        Assert.Equal(expected.Norms.Select(n => n.Norm), actual.Norms.Select(n => n.Norm));
        for (int k = 0; k < expected.Norms.Count; k++)
        {
            for (int i = 0; i < Images; i++)
            {
                double a = expected.Norms[k].Smallest[i];
                double b = actual.Norms[k].Smallest[i];
                Assert.True(a == b || Math.Abs(a - b) <= 1e-3 * Math.Max(1, a), $"{expected.Norms[k].Norm} image {i}: {a} in process, {b} sharded");
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
