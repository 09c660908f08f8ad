using FoolingCluster.Coordinator.Abs;
using FoolingCluster.Coordinator.Sharding;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Data;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Serialization;
using FoolingCluster.Tests.Shared;
using FoolingCluster.Worker;
using FoolingCluster.Worker.Jobs;
using FoolingCluster.Worker.Models;
using FoolingCluster.Worker.Transport;
using Google.Protobuf;
using Xunit;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>Tests that set the process-wide <c>Engine.Threads</c> run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineThreadsGroup
{
    public const string Name = "Engine.Threads";
}

/// <summary>
/// The ten ABS class VAEs trained on workers, one class per job, are bit for bit the VAEs the
/// in-process trainer makes with the same settings and kernel threads; a worker whose VAEs lie
/// (NaN weights, wrong shapes, wrong class, garbage bytes) is refused job by job while honest
/// answers complete the training; malformed jobs are rejected by the worker.
/// </summary>
[Collection(EngineThreadsGroup.Name)]
public sealed class ShardedAbsTrainingTests
{
    /// <summary>A tiny training: the first 150 MNIST images (about 15 a class), one epoch of batches of 8.</summary>
    private static readonly AbsTrainingConfig s_config = new() { Epochs = 1, Seed = 7, BatchSize = 8 };

    private static ImageDataset Train() =>
        MnistDataset.Load(Path.Combine(RepositoryRoot.Find(), "data", "mnist"), MnistSplit.Train, 150);

    [Fact]
    public async Task Two_workers_train_the_vaes_bit_for_bit_as_in_process_training_does()
    {
        ImageDataset train = Train();
        await OnOneKernelThread(async () =>
        {
            (ClassVae[] local, ClassVaeRecord[] records) = AbsTrainer.Train(s_config, train);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await using EmbeddedNode node = await EmbeddedNode.StartAsync(null, stop.Token);
            Task[] workers = [.. Enumerable.Range(0, 2).Select(w => new WorkerService(node.Worker($"w{w}"), Executor($"w{w}"), TimeSpan.FromSeconds(1)).RunAsync(stop.Token))];
            var sharded = new ShardedAbsTraining(node.Coordinator, "abs-test");
            var seen = new List<ShardAccepted<TrainedVae>>();

            TrainedVae[] trained = await sharded.RunAsync(s_config, train, null, seen.Add, stop.Token);

            await stop.CancelAsync();
            await Task.WhenAll(workers.Select(Quietly));
            Assert.Equal(0, sharded.Refused);
            Assert.Equal(Enumerable.Range(1, 10), seen.Select(a => a.Done));
            Assert.Equal(Enumerable.Range(0, 10), seen.Select(a => a.Result.Digit).Order());
            for (int c = 0; c < AbsModel.Classes; c++)
            {
                Assert.Equal(c, trained[c].Digit);
                Assert.Equal([records[c].Loss], trained[c].EpochLoss);
                AssertSameWeights(local[c], trained[c].Vae, $"class {c}");
            }
        });
    }

    [Fact]
    public async Task Continuing_on_workers_from_start_weights_matches_continuing_in_process()
    {
        ImageDataset train = Train();
        await OnOneKernelThread(async () =>
        {
            (ClassVae[] first, _) = AbsTrainer.Train(s_config, train);
            (ClassVae[] local, _) = AbsTrainer.Train(s_config, train, start: Copies(first));
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await using EmbeddedNode node = await EmbeddedNode.StartAsync(null, stop.Token);
            Task worker = new WorkerService(node.Worker("w"), Executor("w"), TimeSpan.FromSeconds(1)).RunAsync(stop.Token);

            TrainedVae[] trained = await new ShardedAbsTraining(node.Coordinator, "abs-resume").RunAsync(s_config, train, Copies(first), null, stop.Token);

            await stop.CancelAsync();
            await Quietly(worker);
            for (int c = 0; c < AbsModel.Classes; c++)
            {
                AssertSameWeights(local[c], trained[c].Vae, $"class {c}");
            }
        });
    }

    [Fact]
    public async Task Lying_vaes_are_refused_and_the_honest_ones_complete_the_training()
    {
        ImageDataset train = Train();
        await OnOneKernelThread(async () =>
        {
            (ClassVae[] local, _) = AbsTrainer.Train(s_config, train);
            using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            await using EmbeddedNode node = await EmbeddedNode.StartAsync(null, stop.Token);
            Task liar = LyingWorker.RunAsync(node.Worker("liar"), Executor("liar"), honest => s_lies.Select(lie => new WorkerMessage { VaeTraining = lie(honest.VaeTraining) }), stop.Token);
            var warnings = new List<string>();
            var sharded = new ShardedAbsTraining(node.Coordinator, "abs-lies", line => { lock (warnings) { warnings.Add(line); } });

            TrainedVae[] trained = await sharded.RunAsync(s_config, train, null, null, stop.Token);

            await stop.CancelAsync();
            await Quietly(liar);
            Assert.Equal(s_lies.Count * AbsModel.Classes, sharded.Refused);
            Assert.Equal(s_lies.Count * AbsModel.Classes, warnings.Count(w => w.Contains("refused", StringComparison.Ordinal) && w.EndsWith("the VAE job goes out again", StringComparison.Ordinal)));
            Assert.Contains(warnings, w => w.Contains("is for class", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Contains("not finite", StringComparison.Ordinal));
            Assert.Contains(warnings, w => w.Contains("model expects", StringComparison.Ordinal));
            for (int c = 0; c < AbsModel.Classes; c++)
            {
                AssertSameWeights(local[c], trained[c].Vae, $"class {c}");
            }
        });
    }

    [Fact]
    public async Task A_worker_rejects_malformed_vae_jobs_and_a_job_it_dropped_is_sent_again()
    {
        JobMessage good = ShardedAbsTraining.Jobs("abs-bad", s_config, Train(), null)[3];
        JobExecutor executor = Executor("w");
        List<(string Why, Action<VaeTrainingJobMessage> Spoil)> spoilers =
        [
            ("class 10", j => j.Digit = 10),
            ("0 epochs", j => j.Epochs = 0),
            ("batchSize", j => j.BatchSize = 1),
            ("learningRate", j => j.LearningRate = float.NaN),
            ("bytes of images", j => j.Images = ByteString.CopyFrom(j.Images.Span[..^1])),
            ("0 images", j => { j.Count = 0; j.Images = ByteString.Empty; }),
            ("start state", j => j.Start = ByteString.CopyFromUtf8("not safetensors")),
        ];
        foreach ((string why, Action<VaeTrainingJobMessage> spoil) in spoilers)
        {
            JobMessage bad = good.Clone();
            spoil(bad.VaeTraining);
            InvalidJobException ex = await Assert.ThrowsAsync<InvalidJobException>(() => executor.ExecuteAsync(bad, CancellationToken.None).AsTask());
            Assert.Contains(why, ex.Message, StringComparison.Ordinal);
        }

        // A worker that rejects (drops) the first delivery of every job: the training completes on the resends.
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using EmbeddedNode node = await EmbeddedNode.StartAsync(null, stop.Token);
        Task dropper = DropFirstAsync(node.Worker("dropper"), Executor("dropper"), stop.Token);
        var warnings = new List<string>();
        var sharded = new ShardedAbsTraining(node.Coordinator, "abs-dropped", line => { lock (warnings) { warnings.Add(line); } }) { ResendAfter = TimeSpan.FromMilliseconds(300) };

        TrainedVae[] trained = await sharded.RunAsync(s_config, Train(), null, null, stop.Token);

        await stop.CancelAsync();
        await Quietly(dropper);
        Assert.Equal(AbsModel.Classes, trained.Length);
        Assert.Contains(warnings, w => w.StartsWith("VAE job ", StringComparison.Ordinal) && w.Contains("sending it again", StringComparison.Ordinal));
    }

    /// <summary>The five lies told once per job, in this order.</summary>
    private static readonly IReadOnlyList<Func<VaeTrainingResultMessage, VaeTrainingResultMessage>> s_lies =
    [
        // Well-formed weights that draw every image white, sent with the honest losses.
        honest => WithState(honest, state => state["decoder.9.bias"].Span[0] = 20f),

        // A NaN in the weights.
        honest => WithState(honest, state => state["mu.weight"].Span[0] = float.NaN),

        // A tensor of the wrong shape.
        honest =>
        {
            VaeTrainingResultMessage lie = honest.Clone();
            var state = new ClassVae(0).StateDict().ToDictionary(p => p.Key, p => p.Value);
            state["mu.bias"] = Tensor.Zeros(9);
            lie.State = ByteString.CopyFrom(SafeTensors.ToBytes(state));
            return lie;
        },

        // Another class's answer.
        honest =>
        {
            VaeTrainingResultMessage lie = honest.Clone();
            lie.Digit = (honest.Digit + 1) % AbsModel.Classes;
            return lie;
        },

        // Garbage for weights.
        honest =>
        {
            VaeTrainingResultMessage lie = honest.Clone();
            lie.State = ByteString.CopyFrom([.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 37))]);
            return lie;
        },
    ];

    private static VaeTrainingResultMessage WithState(VaeTrainingResultMessage honest, Action<IReadOnlyDictionary<string, Tensor>> change)
    {
        ClassVae vae = AbsCheckpoint.VaeFromBytes(honest.State.ToByteArray(), honest.Digit, "honest");
        change(vae.StateDict());
        VaeTrainingResultMessage lie = honest.Clone();
        lie.State = ByteString.CopyFrom(AbsCheckpoint.VaeToBytes(honest.Digit, vae, honest.Epochs));
        return lie;
    }

    /// <summary>Rejects the first delivery of each job without an answer (as for a job it cannot run), and runs later ones.</summary>
    private static async Task DropFirstAsync(IWorkerTransport worker, JobExecutor executor, CancellationToken cancel)
    {
        await using IWorkerTransport transport = worker;
        var dropped = new HashSet<long>();
        await foreach (IDelivery<JobMessage> delivery in transport.ReceiveJobsAsync(1, cancel))
        {
            if (dropped.Add(delivery.Message.JobId))
            {
                await delivery.RejectAsync(requeue: false);
                continue;
            }

            await transport.PublishAsync(await executor.ExecuteAsync(delivery.Message, cancel), cancel);
            await delivery.AckAsync();
        }
    }

    private static JobExecutor Executor(string id) => new(id, new NoModels());

    private static ClassVae[] Copies(ClassVae[] vaes) =>
        [.. vaes.Select((v, c) => AbsCheckpoint.VaeFromBytes(AbsCheckpoint.VaeToBytes(c, v, 1), c, "copy"))];

    private static void AssertSameWeights(ClassVae expected, ClassVae actual, string what)
    {
        IReadOnlyDictionary<string, Tensor> a = expected.StateDict();
        IReadOnlyDictionary<string, Tensor> b = actual.StateDict();
        Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
        foreach ((string name, Tensor tensor) in a)
        {
            float[] x = tensor.ToArray();
            float[] y = b[name].ToArray();
            int differing = x.Zip(y, (p, q) => BitConverter.SingleToInt32Bits(p) != BitConverter.SingleToInt32Bits(q)).Count(d => d);
            Assert.True(differing == 0, $"{what} {name}: {differing} of {x.Length} values differ from in-process training");
        }
    }

    /// <summary>Runs <paramref name="body"/> with single-threaded kernels, as in-process training runs each VAE.</summary>
    private static async Task OnOneKernelThread(Func<Task> body)
    {
        int saved = Engine.Threads;
        Engine.Threads = 1;
        try
        {
            await body();
        }
        finally
        {
            Engine.Threads = saved;
        }
    }

    /// <summary>VAE jobs carry their data and fetch no model.</summary>
    private sealed class NoModels : IModelSource
    {
        public ValueTask<string> FetchAsync(string sha256, string? url, CancellationToken cancel) =>
            throw new InvalidOperationException("a VAE training job fetched a model");
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
