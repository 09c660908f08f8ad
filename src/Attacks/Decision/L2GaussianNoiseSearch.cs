using System.Globalization;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// The smallest Gaussian noise that flips the decision (the minimisation form of Foolbox's
/// additive Gaussian noise attack): for each input a random Gaussian direction u of unit L2
/// norm, and the scale s of <c>clip₀₁(x₀ + s·u)</c> searched along a grid of
/// <see cref="GridSteps"/> scales up to <see cref="MaxNorm"/>, then narrowed by bisection
/// between the last scale that failed and the first that fooled the model. Repeated with
/// fresh directions; each input keeps its closest adversarial.
/// </summary>
/// <remarks>
/// Clipping makes the decision along a direction not monotone in the scale, hence the grid
/// before the bisection. Repeats after the first only search scales below the best so far.
/// </remarks>
public sealed class L2GaussianNoiseSearch : DecisionAttack
{
    /// <param name="repeats">Directions drawn per input, at least 1.</param>
    /// <param name="gridSteps">Scales tried along each direction, at least 1.</param>
    /// <param name="maxNorm">The largest scale; by default √784 = 28, the diagonal of a unit 28×28 image.</param>
    /// <param name="bisectionSteps">Halvings of the bracket around the first fooling scale.</param>
    /// <param name="seed">Seed of the directions.</param>
    public L2GaussianNoiseSearch(int repeats = 10, int gridSteps = 100, float maxNorm = 28f, int bisectionSteps = 10, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(gridSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(bisectionSteps);
        if (!(maxNorm > 0 && float.IsFinite(maxNorm)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "the largest scale must be a finite number > 0");
        }

        Repeats = repeats;
        GridSteps = gridSteps;
        MaxNorm = maxNorm;
        BisectionSteps = bisectionSteps;
        Seed = seed;
    }

    /// <summary>Directions drawn per input.</summary>
    public int Repeats { get; }

    /// <summary>Scales tried along each direction.</summary>
    public int GridSteps { get; }

    /// <summary>The largest scale tried.</summary>
    public float MaxNorm { get; }

    /// <summary>Halvings of the bracket around the first fooling scale.</summary>
    public int BisectionSteps { get; }

    /// <summary>Seed of the directions.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public override Distance Distance => Distance.L2;

    /// <inheritdoc/>
    public override string Name => "Gaussian noise search";

    /// <inheritdoc/>
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"Gaussian noise search L2, {Repeats} directions, {GridSteps} scales up to {MaxNorm:G4}, {BisectionSteps} bisection steps, seed {Seed}");

    /// <inheritdoc/>
    protected override Tensor RunAttack(DecisionOracle oracle, Tensor inputs, Tensor? startingPoints)
    {
        int n = inputs.Shape[0];
        int size = Rows.SampleSize(inputs);
        float[] x0 = inputs.ToArray();
        float[] best = inputs.ToArray();
        double[] bestNorm = new double[n];
        bool[] clean = oracle.IsAdversarial(inputs);
        for (int i = 0; i < n; i++)
        {
            bestNorm[i] = clean[i] ? 0 : double.PositiveInfinity;
        }

        var random = new NoiseSource(Seed);
        float[] directions = new float[n * size];
        float[] candidates = new float[n * size];
        double step = MaxNorm / (double)GridSteps;
        for (int repeat = 0; repeat < Repeats; repeat++)
        {
            for (int i = 0; i < n; i++)
            {
                Span<float> u = Rows.Row(directions, i, size);
                random.FillGaussian(u);
                System.Numerics.Tensors.TensorPrimitives.Multiply(u, (float)(1.0 / Math.Max(Distance.Norm(u), 1e-12)), u);
            }

            // Grid: the first scale along this direction that fools the model, for every input still worth searching.
            double[] fooledAt = new double[n];
            bool[] searching = new bool[n];
            for (int i = 0; i < n; i++)
            {
                searching[i] = bestNorm[i] > 0;
            }

            for (int k = 1; k <= GridSteps; k++)
            {
                double scale = k * step;
                for (int i = 0; i < n; i++)
                {
                    // Past the best distance so far this direction cannot improve on it.
                    searching[i] &= scale < bestNorm[i];
                }

                int[] open = Rows.Where(searching);
                if (open.Length == 0)
                {
                    break;
                }

                bool[] fooled = Evaluate(oracle, inputs, x0, directions, candidates, open, _ => scale, size);
                for (int r = 0; r < open.Length; r++)
                {
                    if (fooled[r])
                    {
                        fooledAt[open[r]] = scale;
                        searching[open[r]] = false;
                    }
                }
            }

            // Bisection between the scale below (not fooling) and the first fooling one.
            int[] found = Enumerable.Range(0, n).Where(i => fooledAt[i] > 0).ToArray();
            if (found.Length == 0)
            {
                continue;
            }

            double[] low = found.Select(i => fooledAt[i] - step).ToArray();
            double[] high = found.Select(i => fooledAt[i]).ToArray();
            for (int b = 0; b < BisectionSteps; b++)
            {
                bool[] fooled = Evaluate(oracle, inputs, x0, directions, candidates, found, r => (low[r] + high[r]) / 2, size);
                for (int r = 0; r < found.Length; r++)
                {
                    double mid = (low[r] + high[r]) / 2;
                    if (fooled[r])
                    {
                        high[r] = mid;
                    }
                    else
                    {
                        low[r] = mid;
                    }
                }
            }

            for (int r = 0; r < found.Length; r++)
            {
                int i = found[r];
                Span<float> x = Rows.Row(candidates, r, size);
                Candidate(x, Rows.Row(x0, i, size), Rows.Row(directions, i, size), high[r]);
                double norm = Rows.L2(x, Rows.Row(x0, i, size));
                if (norm < bestNorm[i])
                {
                    bestNorm[i] = norm;
                    x.CopyTo(Rows.Row(best, i, size));
                }
            }
        }

        return Tensor.FromArray(best, inputs.Shape);
    }

    private static bool[] Evaluate(DecisionOracle oracle, Tensor like, float[] x0, float[] directions, float[] candidates, int[] samples, Func<int, double> scale, int size)
    {
        for (int r = 0; r < samples.Length; r++)
        {
            int i = samples[r];
            Candidate(Rows.Row(candidates, r, size), Rows.Row(x0, i, size), Rows.Row(directions, i, size), scale(r));
        }

        return oracle.IsAdversarial(Rows.Wrap(candidates, samples.Length, like), samples);
    }

    private static void Candidate(Span<float> x, ReadOnlySpan<float> x0, ReadOnlySpan<float> u, double scale)
    {
        System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(u, (float)scale, x0, x);
        System.Numerics.Tensors.TensorPrimitives.Clamp(x, 0f, 1f, x);
    }
}
