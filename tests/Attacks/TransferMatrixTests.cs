using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Attacks.Transfer;
using FoolingCluster.Models.Architectures;
using FoolingCluster.Models.Data;
using FoolingCluster.Models.Training;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.NN;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>
/// The transfer matrix on a trained LeNet, an exact copy of it and a trained MLP: the white-box
/// diagonal, transfer to the other architecture, and every count recomputed here from the
/// adversarials the matrix keeps, through the networks' evaluation path rather than the attack's.
/// </summary>
[Collection(TrainedLeNetGroup.Name)]
public class TransferMatrixTests(TrainedLeNet lenet, TrainedMlp mlp) : IClassFixture<TrainedMlp>
{
    private const int Images = 200;
    private const int Lenet = 0;
    private const int Copy = 1;
    private const int Perceptron = 2;

    [Fact]
    public void Pgd_diagonal_falls_below_clean_accuracy_and_a_copy_of_the_source_scores_exactly_the_diagonal()
    {
        TransferMatrix matrix = Measure(() => new LinfPgd(steps: 10, relativeStepSize: 0.1f), 0.3f);

        for (int s = 0; s < matrix.Models; s++)
        {
            Assert.True(matrix.CleanAccuracy(s) > 0.85, $"{matrix.Names[s]} reaches only {matrix.CleanAccuracy(s):P1} clean, too little for the matrix to mean anything");
            Assert.True(matrix.Accuracy(s, s) <= 0.05, $"white-box PGD on {matrix.Names[s]} leaves {matrix.Accuracy(s, s):P1} of {matrix.CleanAccuracy(s):P1}");
        }

        // The copy classifies the source's adversarials exactly as the source does, and the other way round.
        Assert.Equal(matrix.Correct[Lenet, Lenet], matrix.Correct[Lenet, Copy]);
        Assert.Equal(matrix.Correct[Copy, Copy], matrix.Correct[Copy, Lenet]);
        Assert.Equal(matrix.CleanCorrect[Lenet], matrix.CleanCorrect[Copy]);
    }

    [Fact]
    public void Fgsm_adversarials_of_one_architecture_lower_the_other_ones_accuracy()
    {
        TransferMatrix matrix = Measure(() => new Fgsm(), 0.25f);

        foreach ((int source, int target) in new[] { (Lenet, Perceptron), (Perceptron, Lenet) })
        {
            double clean = matrix.CleanAccuracy(target);
            double transferred = matrix.Accuracy(source, target);
            Assert.True(transferred < clean - 0.1, $"{matrix.Names[target]} keeps {transferred:P1} (clean {clean:P1}) on FGSM adversarials of {matrix.Names[source]}");

            // Transfer is weaker than the white-box attack on the target itself.
            Assert.True(transferred > matrix.Accuracy(target, target), $"{matrix.Names[target]}: {transferred:P1} transferred, {matrix.Accuracy(target, target):P1} white-box");
        }
    }

    [Fact]
    public void Every_count_and_distortion_matches_the_kept_adversarials_measured_again_and_they_stay_within_epsilon()
    {
        const float epsilon = 0.2f;
        TransferMatrix matrix = Measure(() => new LinfBim(steps: 5), epsilon);
        Module[] nets = [lenet.Net, lenet.Net, mlp.Net];
        float[] originals = Originals();

        Assert.Equal(Images, matrix.Count);
        for (int t = 0; t < matrix.Models; t++)
        {
            Assert.Equal(Evaluation.Evaluate(nets[t], Dataset(originals)).Correct, matrix.CleanCorrect[t]);
        }

        for (int s = 0; s < matrix.Models; s++)
        {
            float[] adversarials = matrix.Adversarials[s];
            Assert.Equal(originals.Length, adversarials.Length);
            for (int j = 0; j < adversarials.Length; j++)
            {
                Assert.InRange(adversarials[j], 0f, 1f);
                Assert.True(Math.Abs(adversarials[j] - originals[j]) <= epsilon + 1e-5f, $"value {j} of {matrix.Names[s]}'s adversarials moved {adversarials[j] - originals[j]}");
            }

            double rms = Enumerable.Range(0, Images).Average(i => Math.Sqrt(Enumerable.Range(i * 784, 784).Sum(j => Math.Pow(adversarials[j] - (double)originals[j], 2)) / 784));
            Assert.Equal(rms, matrix.MeanRmsDistortion[s], 5);
            Assert.InRange(rms, 0.01, epsilon);

            for (int t = 0; t < matrix.Models; t++)
            {
                int correct = Evaluation.Evaluate(nets[t], Dataset(adversarials)).Correct;
                Assert.True(correct == matrix.Correct[s, t], $"[{matrix.Names[s]}, {matrix.Names[t]}]: the matrix says {matrix.Correct[s, t]}, the adversarials give {correct}");
                Assert.Equal((double)correct / Images, matrix.Accuracy(s, t));
            }
        }
    }

    [Fact]
    public void Slicing_the_images_changes_nothing_for_an_attack_without_a_random_start()
    {
        TransferMatrix whole = Measure(() => new Fgsm(), 0.1f, sliceSize: Images);
        TransferMatrix sliced = Measure(() => new Fgsm(), 0.1f, sliceSize: 37);

        Assert.Equal(whole.CleanCorrect, sliced.CleanCorrect);
        Assert.Equal(whole.Correct, sliced.Correct);
        for (int s = 0; s < whole.Models; s++)
        {
            Assert.Equal(whole.Adversarials[s], sliced.Adversarials[s]);
        }
    }

    [Fact]
    public void Progress_reaches_every_image_of_every_source_in_order()
    {
        var reports = new List<TransferProgress>();
        Measure(() => new Fgsm(), 0.1f, sliceSize: 64, new Recorder(reports));

        // 200 images in slices of 64 make four reports per source.
        Assert.Equal(3 * 4, reports.Count);
        Assert.Equal([64, 128, 192, 200], reports.Where(r => r.Source == Copy).Select(r => r.Done));
        Assert.Equal(["lenet", "lenet-copy", "mlp"], reports.Select(r => r.SourceName).Distinct());
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.True(reports.Zip(reports.Skip(1)).All(pair => pair.First.Fraction < pair.Second.Fraction));
    }

    [Fact]
    public void Missing_or_repeated_models_and_mismatched_labels_are_refused()
    {
        Tensor images = Tensor.Wrap(Originals(), Images, 1, 28, 28);
        int[] labels = lenet.Labels[..Images];
        Assert.Throws<ArgumentException>(() => TransferMeasurement.Run([], () => new Fgsm(), 0.1f, images, labels));
        ArgumentException repeated = Assert.Throws<ArgumentException>(() => TransferMeasurement.Run(
            [new TransferModel("lenet", lenet.Model), new TransferModel("lenet", mlp.Model)], () => new Fgsm(), 0.1f, images, labels));
        Assert.Contains("'lenet' is repeated", repeated.Message);
        Assert.Throws<ArgumentException>(() => TransferMeasurement.Run([new TransferModel("lenet", lenet.Model)], () => new Fgsm(), 0.1f, images, labels[..10]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TransferMeasurement.Run([new TransferModel("lenet", lenet.Model)], () => new Fgsm(), 0.1f, images, labels, sliceSize: 0));
    }

    private TransferMatrix Measure(Func<FixedEpsilonAttack> attack, float epsilon, int sliceSize = TransferMeasurement.DefaultSliceSize, IProgress<TransferProgress>? progress = null)
    {
        TransferModel[] models =
        [
            new("lenet", lenet.Model),
            new("lenet-copy", new ModuleAttackModel(CopyOf(lenet.Net))),
            new("mlp", mlp.Model),
        ];
        float[] originals = Originals();
        Tensor images = Tensor.Wrap(originals.ToArray(), Images, 1, 28, 28);
        TransferMatrix matrix = TransferMeasurement.Run(models, attack, epsilon, images, lenet.Labels[..Images], sliceSize, progress);
        Assert.Equal(originals, images.ToArray());
        return matrix;
    }

    private float[] Originals() => lenet.Test.Images.AsSpan(0, Images * 784).ToArray();

    private ImageDataset Dataset(float[] images) => new(images, lenet.Test.Labels[..Images], 1, 28, 28);

    /// <summary>A second network with the same weights as <paramref name="net"/>, sharing no storage with it.</summary>
    private static LeNet CopyOf(LeNet net)
    {
        var copy = new LeNet(seed: 99);
        IReadOnlyDictionary<string, Tensor> weights = net.StateDict();
        foreach ((string name, Tensor tensor) in copy.StateDict())
        {
            weights[name].Span.CopyTo(tensor.Span);
        }

        copy.Eval();
        return copy;
    }

    /// <summary>Keeps every report, synchronously (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    private sealed class Recorder(List<TransferProgress> reports) : IProgress<TransferProgress>
    {
        public void Report(TransferProgress value) => reports.Add(value);
    }
}
