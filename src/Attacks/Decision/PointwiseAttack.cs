using System.Globalization;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// The Pointwise attack (Schott, Rauber, Bethge &amp; Brendel, "Towards the first adversarially
/// robust neural network model on MNIST", ICLR 2019), as Foolbox's <c>PointwiseAttack</c>:
/// from an adversarial starting point (salt-and-pepper noise by default), every pixel that
/// differs from the input is reset to its original value, one at a time in random order, and
/// the reset is kept whenever the image stays adversarial; passes repeat until one resets
/// nothing. The L0 distance therefore never grows and every image kept is adversarial.
/// </summary>
/// <remarks>
/// With <see cref="Refine"/>, each pixel that still differs is then tried at its original value
/// once more (other pixels have moved since), and otherwise moved towards it by bisection
/// between the original value and the adversarial one, keeping the adversarial end: the L2
/// distance shrinks and the L0 distance can only fall. Pixels are tried
/// for all inputs at once, one query per input per pixel (per bisection step).
/// </remarks>
public sealed class PointwiseAttack : DecisionAttack
{
    /// <summary>A pixel moves by less than this (a fraction of a grey level) in a refinement pass that changes nothing.</summary>
    private const float RefinementTolerance = 1f / 1024;

    /// <param name="init">The attack that finds the starting points when none are given; by default <see cref="SaltAndPepperNoise"/>.</param>
    /// <param name="refine">Whether to bisect the remaining pixels' values towards the original.</param>
    /// <param name="bisectionSteps">Halvings per pixel in a refinement pass.</param>
    /// <param name="maxRefinementPasses">Refinement passes at most; they also stop when a pass moves no pixel noticeably.</param>
    /// <param name="seed">Seed of the order in which pixels are tried.</param>
    public PointwiseAttack(DecisionAttack? init = null, bool refine = true, int bisectionSteps = 10, int maxRefinementPasses = 5, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bisectionSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRefinementPasses);
        Init = init ?? new SaltAndPepperNoise(seed: seed);
        Refine = refine;
        BisectionSteps = bisectionSteps;
        MaxRefinementPasses = maxRefinementPasses;
        Seed = seed;
    }

    /// <summary>The attack that finds the starting points.</summary>
    public DecisionAttack Init { get; }

    /// <summary>Whether the pixels left different are bisected towards their original values.</summary>
    public bool Refine { get; }

    /// <summary>Halvings per pixel in a refinement pass.</summary>
    public int BisectionSteps { get; }

    /// <summary>Refinement passes at most.</summary>
    public int MaxRefinementPasses { get; }

    /// <summary>Seed of the order in which pixels are tried.</summary>
    public int Seed { get; }

    /// <inheritdoc/>
    public override Distance Distance => Distance.L0;

    /// <inheritdoc/>
    public override string Name => "Pointwise";

    /// <inheritdoc/>
    public override string Describe()
    {
        string refine = Refine
            ? string.Create(CultureInfo.InvariantCulture, $"refined by {BisectionSteps}-step bisection, up to {MaxRefinementPasses} passes")
            : "not refined";
        return $"Pointwise attack L0, {refine}, start: {Init.Describe()}";
    }

    /// <inheritdoc/>
    protected override Tensor RunAttack(DecisionOracle oracle, Tensor inputs, Tensor? startingPoints)
    {
        int n = inputs.Shape[0];
        int size = Rows.SampleSize(inputs);
        float[] x0 = inputs.ToArray();
        float[] adversarial;
        using (TensorScope.Begin())
        {
            adversarial = (startingPoints ?? Init.Attack(oracle, inputs, null)).ToArray();
        }

        System.Numerics.Tensors.TensorPrimitives.Clamp(adversarial, 0f, 1f, adversarial);
        bool[] valid = oracle.IsAdversarial(Rows.Wrap(adversarial, n, inputs));
        var random = new NoiseSource(Seed);
        var work = new Work(oracle, inputs, x0, adversarial, size);
        ResetPixels(work, (bool[])valid.Clone(), random);
        if (Refine)
        {
            RefinePixels(work, valid, random);
        }

        return Tensor.FromArray(adversarial, inputs.Shape);
    }

    /// <summary>Passes of single-pixel resets until a pass keeps none.</summary>
    private static void ResetPixels(Work work, bool[] active, NoiseSource random)
    {
        while (true)
        {
            int[][] order = work.ShuffledDifferences(active, random);
            bool[] changed = new bool[active.Length];
            work.ForEachPosition(order, (samples, pixels) =>
            {
                float[] original = samples.Select((i, r) => work.X0[(i * work.Size) + pixels[r]]).ToArray();
                bool[] fooled = work.Try(samples, pixels, original);
                for (int r = 0; r < samples.Length; r++)
                {
                    if (fooled[r])
                    {
                        work.Commit(samples[r], pixels[r], r);
                        changed[samples[r]] = true;
                    }
                }
            });

            if (!changed.Any(c => c))
            {
                return;
            }

            active = changed;
        }
    }

    /// <summary>Bisection of each differing pixel between its original value and its adversarial one.</summary>
    private void RefinePixels(Work work, bool[] active, NoiseSource random)
    {
        for (int pass = 0; pass < MaxRefinementPasses; pass++)
        {
            int[][] order = work.ShuffledDifferences(active, random);
            bool[] moved = new bool[active.Length];
            work.ForEachPosition(order, (samples, pixels) =>
            {
                int m = samples.Length;
                float[] low = new float[m];
                float[] high = new float[m];
                float[] start = new float[m];
                for (int r = 0; r < m; r++)
                {
                    int flat = (samples[r] * work.Size) + pixels[r];
                    low[r] = work.X0[flat];
                    high[r] = work.Adversarial[flat];
                    start[r] = high[r];
                }

                // low: the original value side, not known to fool; high: known to fool. The original
                // value itself is tried first, as other pixels have moved since the resets.
                for (int b = -1; b < BisectionSteps; b++)
                {
                    float[] mids = b < 0 ? [.. low] : low.Select((l, r) => (l + high[r]) / 2).ToArray();
                    bool[] fooled = work.Try(samples, pixels, mids);
                    for (int r = 0; r < m; r++)
                    {
                        if (fooled[r])
                        {
                            high[r] = mids[r];
                        }
                        else
                        {
                            low[r] = mids[r];
                        }
                    }
                }

                for (int r = 0; r < m; r++)
                {
                    if (Math.Abs(high[r] - start[r]) > RefinementTolerance)
                    {
                        moved[samples[r]] = true;
                    }

                    work.Adversarial[(samples[r] * work.Size) + pixels[r]] = high[r];
                }
            });

            if (!moved.Any(c => c))
            {
                return;
            }

            active = moved;
        }
    }

    /// <summary>The adversarials being improved and the candidate batch the pixel trials are built in.</summary>
    private sealed class Work(DecisionOracle oracle, Tensor inputs, float[] x0, float[] adversarial, int size)
    {
        private readonly float[] _candidates = new float[x0.Length];

        public float[] X0 => x0;

        public float[] Adversarial => adversarial;

        public int Size => size;

        /// <summary>For each active sample, its differing pixels in random order; empty for the others.</summary>
        public int[][] ShuffledDifferences(bool[] active, NoiseSource random)
        {
            int n = active.Length;
            int[][] order = new int[n][];
            for (int i = 0; i < n; i++)
            {
                var pixels = new List<int>();
                if (active[i])
                {
                    for (int p = 0; p < size; p++)
                    {
                        if (adversarial[(i * size) + p] != x0[(i * size) + p])
                        {
                            pixels.Add(p);
                        }
                    }
                }

                order[i] = [.. pixels];
                random.Shuffle(order[i]);
            }

            return order;
        }

        /// <summary>Calls <paramref name="visit"/> with the samples that have a k-th pixel and those pixels, for k = 0, 1, ….</summary>
        public void ForEachPosition(int[][] order, Action<int[], int[]> visit)
        {
            int longest = order.Max(o => o.Length);
            for (int k = 0; k < longest; k++)
            {
                int[] samples = Enumerable.Range(0, order.Length).Where(i => order[i].Length > k).ToArray();
                int[] pixels = samples.Select(i => order[i][k]).ToArray();
                visit(samples, pixels);
            }
        }

        /// <summary>Whether each sample's adversarial, with its pixel set to its value, still fools the model; the candidates stay in the batch for <see cref="Commit"/>.</summary>
        public bool[] Try(int[] samples, int[] pixels, float[] values)
        {
            for (int r = 0; r < samples.Length; r++)
            {
                int i = samples[r];
                Span<float> row = Rows.Row(_candidates, r, size);
                Rows.Row(adversarial, i, size).CopyTo(row);
                row[pixels[r]] = values[r];
            }

            return oracle.IsAdversarial(Rows.Wrap(_candidates, samples.Length, inputs), samples);
        }

        /// <summary>Keeps candidate row <paramref name="row"/>'s value of the pixel as sample <paramref name="sample"/>'s adversarial.</summary>
        public void Commit(int sample, int pixel, int row) =>
            adversarial[(sample * size) + pixel] = _candidates[(row * size) + pixel];
    }
}
