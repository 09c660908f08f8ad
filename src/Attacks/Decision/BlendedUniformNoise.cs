using System.Globalization;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// A starting point for attacks that refine an adversarial (Foolbox's
/// <c>LinearSearchBlendedUniformNoiseAttack</c>): uniform noise images are drawn until one fools
/// the model, then the blend <c>(1 − t)·x₀ + t·noise</c> is searched for the smallest t on a
/// grid of <see cref="BlendSteps"/> values, and the bracket around it narrowed by bisection.
/// </summary>
/// <remarks>
/// Foolbox searches 1000 blends and stops there; 100 blends and 10 bisection steps reach a
/// finer blend with a tenth of the queries.
/// Inputs the model already gets wrong are returned unchanged; inputs for which no noise image
/// fools the model within <see cref="Draws"/> draws are returned unchanged too, and the
/// attack reports them as failures.
/// </remarks>
public sealed class BlendedUniformNoise : DecisionAttack
{
    /// <param name="draws">Uniform noise images tried per input before giving up, at least 1.</param>
    /// <param name="blendSteps">Blend factors tried on the grid over (0,1], at least 1.</param>
    /// <param name="bisectionSteps">Halvings of the bracket around the first fooling blend.</param>
    /// <param name="seed">Seed of the noise.</param>
    public BlendedUniformNoise(int draws = 1000, int blendSteps = 100, int bisectionSteps = 10, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(draws, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blendSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(bisectionSteps);
        Draws = draws;
        BlendSteps = blendSteps;
        BisectionSteps = bisectionSteps;
        Seed = seed;
    }

    /// <summary>Uniform noise images tried per input.</summary>
    public int Draws { get; }

    /// <summary>Blend factors tried on the grid.</summary>
    public int BlendSteps { get; }

    /// <summary>Halvings of the bracket around the first fooling blend.</summary>
    public int BisectionSteps { get; }

    /// <summary>Seed of the noise.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public override Distance Distance => Distance.L2;

    /// <inheritdoc/>
    public override string Name => "blended uniform noise";

    /// <inheritdoc/>
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"blended uniform noise L2, up to {Draws} draws, {BlendSteps} blends, {BisectionSteps} bisection steps, seed {Seed}");

    /// <inheritdoc/>
    protected override Tensor RunAttack(DecisionOracle oracle, Tensor inputs, Tensor? startingPoints)
    {
        int n = inputs.Shape[0];
        int size = Rows.SampleSize(inputs);
        float[] x0 = inputs.ToArray();
        float[] noise = new float[n * size];
        float[] candidates = new float[n * size];
        var random = new NoiseSource(Seed);

        // Noise images that fool the model, for every input it still gets right.
        bool[] clean = oracle.IsAdversarial(inputs);
        bool[] open = clean.Select(a => !a).ToArray();
        bool[] hasNoise = new bool[n];
        for (int draw = 0; draw < Draws; draw++)
        {
            int[] samples = Rows.Where(open);
            if (samples.Length == 0)
            {
                break;
            }

            for (int r = 0; r < samples.Length; r++)
            {
                random.FillUniform(Rows.Row(candidates, r, size), 0f, 1f);
            }

            bool[] fooled = oracle.IsAdversarial(Rows.Wrap(candidates, samples.Length, inputs), samples);
            for (int r = 0; r < samples.Length; r++)
            {
                if (fooled[r])
                {
                    Rows.Row(candidates, r, size).CopyTo(Rows.Row(noise, samples[r], size));
                    hasNoise[samples[r]] = true;
                    open[samples[r]] = false;
                }
            }
        }

        // The first blend on the grid that fools the model; t = 1 is the noise itself.
        double[] high = Enumerable.Repeat(1.0, n).ToArray();
        double[] low = new double[n];
        bool[] searching = (bool[])hasNoise.Clone();
        for (int k = 1; k < BlendSteps; k++)
        {
            int[] samples = Rows.Where(searching);
            if (samples.Length == 0)
            {
                break;
            }

            double t = k / (double)BlendSteps;
            bool[] fooled = Evaluate(oracle, inputs, x0, noise, candidates, samples, _ => t, size);
            for (int r = 0; r < samples.Length; r++)
            {
                if (fooled[r])
                {
                    high[samples[r]] = t;
                    searching[samples[r]] = false;
                }
                else
                {
                    low[samples[r]] = t;
                }
            }
        }

        int[] found = Rows.Where(hasNoise);
        for (int b = 0; b < BisectionSteps && found.Length > 0; b++)
        {
            bool[] fooled = Evaluate(oracle, inputs, x0, noise, candidates, found, r => (low[found[r]] + high[found[r]]) / 2, size);
            for (int r = 0; r < found.Length; r++)
            {
                int i = found[r];
                double mid = (low[i] + high[i]) / 2;
                if (fooled[r])
                {
                    high[i] = mid;
                }
                else
                {
                    low[i] = mid;
                }
            }
        }

        float[] result = inputs.ToArray();
        foreach (int i in found)
        {
            Blend(Rows.Row(result, i, size), Rows.Row(x0, i, size), Rows.Row(noise, i, size), high[i]);
        }

        return Tensor.FromArray(result, inputs.Shape);
    }

    private static bool[] Evaluate(DecisionOracle oracle, Tensor like, float[] x0, float[] noise, float[] candidates, int[] samples, Func<int, double> blend, int size)
    {
        for (int r = 0; r < samples.Length; r++)
        {
            int i = samples[r];
            Blend(Rows.Row(candidates, r, size), Rows.Row(x0, i, size), Rows.Row(noise, i, size), blend(r));
        }

        return oracle.IsAdversarial(Rows.Wrap(candidates, samples.Length, like), samples);
    }

    private static void Blend(Span<float> x, ReadOnlySpan<float> x0, ReadOnlySpan<float> noise, double t)
    {
        float a = (float)(1 - t);
        float b = (float)t;
        for (int j = 0; j < x.Length; j++)
        {
            x[j] = (a * x0[j]) + (b * noise[j]);
        }
    }
}
