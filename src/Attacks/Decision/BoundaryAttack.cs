using System.Globalization;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// The Boundary attack (Brendel, Rauber &amp; Bethge, "Decision-Based Adversarial Attacks",
/// ICLR 2018), as Foolbox 3's <c>BoundaryAttack</c>: from an adversarial starting point, a
/// random walk along the decision boundary towards the input. Each step draws a Gaussian
/// direction orthogonal to the line to the input, takes a spherical step along it (keeping the
/// distance to the input), then a source step towards the input, and keeps the candidate when
/// it is still adversarial and closer. The L2 distance to the input therefore never grows, and
/// every point kept is adversarial.
/// </summary>
/// <remarks>
/// Step sizes adapt per input to the success rates (every <see cref="UpdateStatsEvery"/> steps
/// the spherical candidate is judged too): over the last 100 checks, both steps grow by
/// <see cref="StepAdaptation"/> when more than half of the spherical candidates stay
/// adversarial and shrink when fewer than a fifth do; over the last 30, the source step grows
/// when more than a quarter of the candidates succeed and shrinks below a tenth. An input is
/// done when its source step falls below <see cref="SourceStepConvergence"/>. One query per
/// input per step, plus one every <see cref="UpdateStatsEvery"/> steps.
/// </remarks>
public sealed class BoundaryAttack : DecisionAttack
{
    private const int SphericalWindow = 100;
    private const int StepWindow = 30;

    /// <param name="steps">Steps of the walk, at least 1; Foolbox's default is 25,000.</param>
    /// <param name="sphericalStep">Initial length of the orthogonal step, relative to the distance to the input.</param>
    /// <param name="sourceStep">Initial length of the step towards the input, relative to the distance.</param>
    /// <param name="sourceStepConvergence">An input whose source step falls below this is done.</param>
    /// <param name="stepAdaptation">Factor by which step sizes grow or shrink, above 1.</param>
    /// <param name="updateStatsEvery">Steps between checks of the spherical candidates and step-size updates.</param>
    /// <param name="init">The attack that finds the starting points when none are given; by default <see cref="BlendedUniformNoise"/>.</param>
    /// <param name="seed">Seed of the random directions.</param>
    public BoundaryAttack(
        int steps = 5000,
        float sphericalStep = 0.01f,
        float sourceStep = 0.01f,
        float sourceStepConvergence = 1e-7f,
        float stepAdaptation = 1.5f,
        int updateStatsEvery = 10,
        DecisionAttack? init = null,
        int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(updateStatsEvery, 1);
        Positive(sphericalStep, nameof(sphericalStep));
        Positive(sourceStep, nameof(sourceStep));
        Positive(sourceStepConvergence, nameof(sourceStepConvergence));
        if (!(stepAdaptation > 1 && float.IsFinite(stepAdaptation)))
        {
            throw new ArgumentOutOfRangeException(nameof(stepAdaptation), stepAdaptation, "the step adaptation must be a finite number > 1");
        }

        Steps = steps;
        SphericalStep = sphericalStep;
        SourceStep = sourceStep;
        SourceStepConvergence = sourceStepConvergence;
        StepAdaptation = stepAdaptation;
        UpdateStatsEvery = updateStatsEvery;
        Init = init ?? new BlendedUniformNoise(seed: seed);
        Seed = seed;
    }

    /// <summary>Steps of the walk.</summary>
    public int Steps { get; }

    /// <summary>Initial orthogonal step, relative to the distance to the input.</summary>
    public float SphericalStep { get; }

    /// <summary>Initial step towards the input, relative to the distance.</summary>
    public float SourceStep { get; }

    /// <summary>The source step below which an input is done.</summary>
    public float SourceStepConvergence { get; }

    /// <summary>Factor by which step sizes grow or shrink.</summary>
    public float StepAdaptation { get; }

    /// <summary>Steps between step-size updates.</summary>
    public int UpdateStatsEvery { get; }

    /// <summary>The attack that finds the starting points.</summary>
    public DecisionAttack Init { get; }

    /// <summary>Seed of the random directions.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public override Distance Distance => Distance.L2;

    /// <inheritdoc/>
    public override string Name => "Boundary";

    /// <inheritdoc/>
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"Boundary attack L2, {Steps} steps, spherical {SphericalStep:G3}, source {SourceStep:G3}, adaptation {StepAdaptation:G3}, start: {Init.Describe()}");

    /// <inheritdoc/>
    protected override Tensor RunAttack(DecisionOracle oracle, Tensor inputs, Tensor? startingPoints)
    {
        int n = inputs.Shape[0];
        int size = Rows.SampleSize(inputs);
        float[] x0 = inputs.ToArray();
        float[] best;
        using (TensorScope.Begin())
        {
            best = (startingPoints ?? Init.Attack(oracle, inputs, null)).ToArray();
        }

        System.Numerics.Tensors.TensorPrimitives.Clamp(best, 0f, 1f, best);

        // Inputs without an adversarial start, or whose start is the input itself, have nothing to walk.
        bool[] walking = oracle.IsAdversarial(Rows.Wrap(best, n, inputs));
        for (int i = 0; i < n; i++)
        {
            walking[i] &= Rows.L2(Rows.Row(best, i, size), Rows.Row(x0, i, size)) > 0;
        }

        double[] spherical = Enumerable.Repeat((double)SphericalStep, n).ToArray();
        double[] source = Enumerable.Repeat((double)SourceStep, n).ToArray();
        var sphericalStats = new SuccessWindow(n, SphericalWindow);
        var stepStats = new SuccessWindow(n, StepWindow);
        var proposal = new BoundaryProposal(size, new NoiseSource(Seed));
        float[] candidates = new float[n * size];
        float[] sphericalCandidates = new float[n * size];
        double[] sourceNorms = new double[n];
        for (int step = 1; step <= Steps; step++)
        {
            for (int i = 0; i < n; i++)
            {
                walking[i] &= source[i] >= SourceStepConvergence;
            }

            int[] samples = Rows.Where(walking);
            if (samples.Length == 0)
            {
                break;
            }

            for (int r = 0; r < samples.Length; r++)
            {
                int i = samples[r];
                sourceNorms[i] = proposal.Draw(
                    Rows.Row(x0, i, size),
                    Rows.Row(best, i, size),
                    spherical[i],
                    source[i],
                    Rows.Row(candidates, r, size),
                    Rows.Row(sphericalCandidates, r, size));
            }

            bool[] adversarial = oracle.IsAdversarial(Rows.Wrap(candidates, samples.Length, inputs), samples);
            for (int r = 0; r < samples.Length; r++)
            {
                int i = samples[r];
                ReadOnlySpan<float> candidate = Rows.Row(candidates, r, size);
                if (adversarial[r] && Rows.L2(candidate, Rows.Row(x0, i, size)) < sourceNorms[i])
                {
                    candidate.CopyTo(Rows.Row(best, i, size));
                }
            }

            if (step % UpdateStatsEvery == 0)
            {
                bool[] sphericalAdversarial = oracle.IsAdversarial(Rows.Wrap(sphericalCandidates, samples.Length, inputs), samples);
                for (int r = 0; r < samples.Length; r++)
                {
                    int i = samples[r];
                    sphericalStats.Add(i, sphericalAdversarial[r]);
                    stepStats.Add(i, adversarial[r]);
                    Adapt(i, sphericalStats, stepStats, spherical, source);
                }
            }
        }

        return Tensor.FromArray(best, inputs.Shape);
    }

    private void Adapt(int i, SuccessWindow sphericalStats, SuccessWindow stepStats, double[] spherical, double[] source)
    {
        if (sphericalStats.IsFull(i))
        {
            double rate = sphericalStats.Rate(i);
            if (rate > 0.5)
            {
                spherical[i] *= StepAdaptation;
                source[i] *= StepAdaptation;
                sphericalStats.Clear(i);
            }
            else if (rate < 0.2)
            {
                spherical[i] /= StepAdaptation;
                source[i] /= StepAdaptation;
                sphericalStats.Clear(i);
            }
        }

        if (stepStats.IsFull(i))
        {
            double rate = stepStats.Rate(i);
            if (rate > 0.25)
            {
                source[i] *= StepAdaptation;
                stepStats.Clear(i);
            }
            else if (rate < 0.1)
            {
                source[i] /= StepAdaptation;
                stepStats.Clear(i);
            }
        }
    }

    private static void Positive(float value, string name)
    {
        if (!(value > 0 && float.IsFinite(value)))
        {
            throw new ArgumentOutOfRangeException(name, value, "must be a finite number > 0");
        }
    }
}
