using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Decision;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Attacks.Tests.Support;
using FoolingCluster.Models.Abs;
using FoolingCluster.Models.Checkpoints;
using FoolingCluster.Models.Data;
using FoolingCluster.Tensors;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>
/// The models of <see cref="EveryAttackMovesTheInputTests"/>, each as the commands attack it
/// (<see cref="AttackTargets.For"/>): a trained MLP, the same MLP on binarised inputs, and the
/// reference ABS model with cheap inference settings and few probes.
/// </summary>
public sealed class AttackedModelsFixture
{
    /// <summary>Probes per ABS gradient estimate: few, to keep the test short; enough to point somewhere.</summary>
    private const int AbsProbes = 10;

    public AttackedModelsFixture()
    {
        string root = RepositoryRoot.Find();
        var mlp = new TrainedMlp();
        var abs = (AbsModel)ModelCheckpoint.Load(Path.Combine(root, "reference", "abs.safetensors")).Model;
        AbsModel cheap = abs.WithSettings(abs.Settings with { Samples = 50, Steps = 1 });
        Models = new Dictionary<string, IAttackModel>
        {
            ["network"] = AttackTargets.For(mlp.Net),
            ["binarised"] = new BinarizedInputs(AttackTargets.For(mlp.Net)),
            ["abs"] = AttackTargets.For(cheap, AbsProbes, seed: 1),
        };
        Images = MnistDataset.Load(Path.Combine(root, MnistDataset.DefaultDirectory), MnistSplit.Test, limit: 2);
    }

    /// <summary>The model kinds by name.</summary>
    public IReadOnlyDictionary<string, IAttackModel> Models { get; }

    /// <summary>Two test digits.</summary>
    public ImageDataset Images { get; }
}

/// <summary>
/// Every attack of the catalog, in every norm it works in, changes the input or reports a success
/// on every kind of model: a model whose gradient silently came back as zero would leave the
/// images as they are and look robust. Each image is labelled with the model's own class, so a
/// success is never an image the model got wrong to begin with.
/// </summary>
public class EveryAttackMovesTheInputTests(AttackedModelsFixture fixture) : IClassFixture<AttackedModelsFixture>
{
    /// <summary>
    /// Steps on ABS, whose every gradient costs a forward pass per probe: few, but enough for each
    /// attack to move (the minimising attacks return the original image when they find nothing).
    /// Attacks not listed take their default or have no step count. The networks take every
    /// attack's default but for the decision-based walks, which need no more to move.
    /// </summary>
    private static readonly Dictionary<string, int> s_absSteps = new()
    {
        ["bim"] = 2,
        ["pgd"] = 2,
        ["cw"] = 20,
        ["lbfgs"] = 20,
        ["boundary"] = 20,
        ["salt-and-pepper"] = 30,
        ["latent-descent"] = 20,
    };

    private static readonly Dictionary<string, int> s_networkSteps = new()
    {
        ["boundary"] = 20,
        ["salt-and-pepper"] = 30,
    };

    /// <summary>
    /// Attacks that cannot move within a test's budget on a model kind: DeepFool and C&amp;W need finer
    /// estimates of ABS's logit gradients than a few probes give (the robustness evaluation leaves
    /// them out for ABS too), and L-BFGS's line search finds no descent on a loss that binarisation
    /// makes piecewise constant. For these the test asks the weaker question: did the attack get
    /// gradients that are not zero?
    /// </summary>
    private static readonly HashSet<(string Attack, string Model)> s_gradientsOnly =
    [
        ("deepfool", "abs"),
        ("cw", "abs"),
        ("lbfgs", "abs"),
        ("lbfgs", "binarised"),
    ];

    public static TheoryData<string, string, string> Cases()
    {
        var cases = new TheoryData<string, string, string>();
        foreach (string attack in AttackCatalog.Names)
        {
            foreach (string norm in AttackCatalog.NormsOf(attack))
            {
                foreach (string model in new[] { "network", "binarised", "abs" })
                {
                    cases.Add(attack, norm, model);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_attack_moves_the_input_or_succeeds(string attack, string norm, string modelKind)
    {
        IAttackModel model = fixture.Models[modelKind];
        using TensorScope scope = TensorScope.Begin();
        Tensor inputs = fixture.Images.AsTensor();
        int[] labels = Predict(model, inputs);
        var criterion = new Misclassification(labels);
        int? steps = (modelKind == "abs" ? s_absSteps : s_networkSteps).TryGetValue(attack, out int s) ? s : null;

        if (attack == "latent-descent" && modelKind != "abs")
        {
            var refused = Assert.Throws<InvalidInputException>(() => AttackCatalog.CreateMinimizing(attack, norm, [1f], steps).Minimize(model, inputs, criterion));
            Assert.Contains("ABS models only", refused.Message);
            return;
        }

        if (s_gradientsOnly.Contains((attack, modelKind)))
        {
            var spy = new GradientSpy((ILogitGradientModel)model);
            _ = Run(attack, norm, steps, spy, inputs, criterion);
            Assert.True(spy.Calls > 0, $"{attack} asked the {modelKind} model for no gradient");
            Assert.True(spy.NonZero, $"{attack} got only zero gradients from the {modelKind} model");
            return;
        }

        (Tensor adversarials, bool[] success) = Run(attack, norm, steps, model, inputs, criterion);

        float[] original = fixture.Images.Images;
        float[] adversarial = adversarials.ToArray();
        bool moved = Enumerable.Range(0, original.Length).Any(j => adversarial[j] != original[j]);
        Assert.True(moved || success.Any(x => x), $"{attack} ({norm}) left both images unchanged on the {modelKind} model and reported no success");
    }

    private static (Tensor Adversarials, bool[] Success) Run(string attack, string norm, int? steps, IAttackModel model, Tensor inputs, Criterion criterion)
    {
        if (AttackCatalog.TakesEpsilon(attack))
        {
            float epsilon = norm == "l2" ? 3f : 0.3f;
            AttackResult result = AttackCatalog.CreateFixedEpsilon(attack, norm, steps, seed: 1).Run(model, inputs, criterion, [epsilon]);
            return (result.Clipped[0], Enumerable.Range(0, result.Count).Select(i => result.Success[0, i]).ToArray());
        }

        MinimizationResult found = AttackCatalog.CreateMinimizing(attack, norm, [1f], steps, seed: 1).Minimize(model, inputs, criterion);
        return (found.Adversarials, found.Success);
    }

    /// <summary>Passes everything through to the model and remembers whether any gradient it returned had a non-zero value.</summary>
    private sealed class GradientSpy(ILogitGradientModel model) : ILogitGradientModel
    {
        public int Calls { get; private set; }

        public bool NonZero { get; private set; }

        public Tensor Logits(Tensor images) => model.Logits(images);

        public Tensor LossGradient(Tensor images, ReadOnlySpan<int> labels) => Seen(model.LossGradient(images, labels));

        public LogitGradients Differentiate(Tensor images, LogitSeeds seeds)
        {
            LogitGradients result = model.Differentiate(images, seeds);
            foreach (Tensor gradient in result.Gradients)
            {
                Seen(gradient);
            }

            return result;
        }

        private Tensor Seen(Tensor gradient)
        {
            Calls++;
            NonZero |= gradient.ToArray().Any(g => g != 0);
            return gradient;
        }
    }

    private static int[] Predict(IAttackModel model, Tensor inputs)
    {
        Tensor logits = model.Logits(inputs);
        int k = logits.Shape[1];
        return [.. Enumerable.Range(0, logits.Shape[0]).Select(i => ArgMax(logits.Span.Slice(i * k, k)))];
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++)
        {
            best = row[j] > row[best] ? j : best;
        }

        return best;
    }
}
