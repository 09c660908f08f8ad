using System.Globalization;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// Carlini &amp; Wagner's L2 attack (IEEE S&amp;P 2017): in tanh space, where the box [0,1] cannot be
/// left, Adam minimises
/// <code>
/// ‖x(w) − x₀‖₂² + c · max(z_y(x) − maxₖ≠y z_k(x) + κ, 0),    x(w) = (tanh(w) + 1) / 2
/// </code>
/// (untargeted, y the label; targeted, the margin is <c>maxₖ≠t z_k − z_t + κ</c>), and a binary
/// search over c per sample finds the smallest c, and with it the smallest perturbation, that
/// still succeeds. The closest adversarial seen at any step of any c is kept.
/// </summary>
/// <remarks>
/// <para>
/// As Foolbox's <c>L2CarliniWagnerAttack</c>: w starts at the input (<c>atanh((2x₀ − 1)·0.999999)</c>)
/// and the distance is taken from that starting point, so the squeeze does not count; c starts
/// at <see cref="InitialConst"/> and is multiplied by 10 until an adversarial is found, then
/// bisected; each search step restarts Adam from the input. Early abort is per sample: every
/// tenth of the steps, a sample whose loss fell by less than 0.01 % since the last check stops for
/// this c, and only the samples still running are sent to the model.
/// </para>
/// <para>The model must be an <see cref="ILogitGradientModel"/>.</para>
/// </remarks>
public sealed class CarliniWagnerL2 : MinimizationAttack
{
    private const double Squeeze = 0.999999;
    private const double Beta1 = 0.9;
    private const double Beta2 = 0.999;
    private const double AdamEpsilon = 1e-8;

    /// <param name="binarySearchSteps">Values of c tried per sample, at least 1.</param>
    /// <param name="steps">Adam steps per value of c at most, at least 1.</param>
    /// <param name="stepSize">Adam's learning rate.</param>
    /// <param name="confidence">The margin κ by which the adversarial class must win, at least 0.</param>
    /// <param name="initialConst">The first c, greater than 0.</param>
    /// <param name="abortEarly">Stop a sample's descent for a given c when its loss has stopped falling.</param>
    public CarliniWagnerL2(int binarySearchSteps = 9, int steps = 1000, float stepSize = 0.01f, float confidence = 0f, float initialConst = 1e-3f, bool abortEarly = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(binarySearchSteps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        if (!(stepSize > 0 && float.IsFinite(stepSize)))
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "the step size must be a finite number > 0");
        }

        if (!(confidence >= 0 && float.IsFinite(confidence)))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "the confidence must be a finite number ≥ 0");
        }

        if (!(initialConst > 0 && float.IsFinite(initialConst)))
        {
            throw new ArgumentOutOfRangeException(nameof(initialConst), initialConst, "the initial c must be a finite number > 0");
        }

        BinarySearchSteps = binarySearchSteps;
        Steps = steps;
        StepSize = stepSize;
        Confidence = confidence;
        InitialConst = initialConst;
        AbortEarly = abortEarly;
    }

    /// <summary>Values of c tried per sample.</summary>
    public int BinarySearchSteps { get; }

    /// <summary>Adam steps per value of c at most.</summary>
    public int Steps { get; }

    /// <summary>Adam's learning rate.</summary>
    public float StepSize { get; }

    /// <summary>The margin κ.</summary>
    public float Confidence { get; }

    /// <summary>The first c.</summary>
    public float InitialConst { get; }

    /// <summary>Whether a sample stops early when its loss has stopped falling.</summary>
    public bool AbortEarly { get; }

    /// <inheritdoc/>
    public override Distance Distance => Distances.Distance.L2;

    /// <inheritdoc/>
    public override string Name => "C&W";

    /// <inheritdoc/>
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} L2, {BinarySearchSteps} search steps from c = {InitialConst:G3}, {Steps} Adam steps of {StepSize:G3}, κ = {Confidence:G3}{(AbortEarly ? ", early abort" : "")}");

    /// <inheritdoc/>
    protected override Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion)
    {
        AttackGoal goal = AttackGoal.Of(criterion, Name);
        ILogitGradientModel differentiable = RequireLogitGradients(model);
        int n = inputs.Shape[0];
        ReadOnlySpan<float> x0 = inputs.Span;

        // w₀ in tanh space, and the image it maps back to: the reference of the distance.
        float[] w0 = new float[inputs.Size];
        float[] start = new float[inputs.Size];
        for (int j = 0; j < w0.Length; j++)
        {
            double w = Math.Atanh(((2.0 * x0[j]) - 1.0) * Squeeze);
            w0[j] = (float)w;
            start[j] = (float)((Math.Tanh(w) + 1.0) / 2.0);
        }

        Tensor best = inputs.Detach();
        double[] bestNorm = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        double[] consts = Enumerable.Repeat((double)InitialConst, n).ToArray();
        double[] lower = new double[n];
        double[] upper = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        var search = new SearchState(inputs.Size);
        for (int b = 0; b < BinarySearchSteps; b++)
        {
            if (b == BinarySearchSteps - 1 && BinarySearchSteps >= 10)
            {
                // As Foolbox: a long search ends with one more try at the smallest c known to work.
                for (int i = 0; i < n; i++)
                {
                    consts[i] = Math.Min(upper[i], 1e10);
                }
            }

            bool[] found = Descend(differentiable, inputs, goal, w0, start, consts, search, best, bestNorm);
            for (int i = 0; i < n; i++)
            {
                if (found[i])
                {
                    upper[i] = consts[i];
                }
                else
                {
                    lower[i] = consts[i];
                }

                consts[i] = double.IsPositiveInfinity(upper[i]) ? consts[i] * 10 : (lower[i] + upper[i]) / 2;
            }
        }

        return best;
    }

    /// <summary>Adam on every sample for one value of c each; returns which samples met the goal at some step.</summary>
    private bool[] Descend(ILogitGradientModel model, Tensor inputs, AttackGoal goal, float[] w0, float[] start, double[] consts, SearchState state, Tensor best, double[] bestNorm)
    {
        int n = inputs.Shape[0];
        int size = inputs.Size / n;
        state.Reset();
        bool[] found = new bool[n];
        double[] previous = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        int checkEvery = (int)Math.Ceiling(Steps / 10.0);
        int[] active = Enumerable.Range(0, n).ToArray();
        double[] losses = new double[n];
        bool[] adversarial = new bool[n];
        for (int step = 0; step < Steps && active.Length > 0; step++)
        {
            using TensorScope scope = TensorScope.Begin();
            int[] rows = active;
            Tensor x = Rows.Gather(state.Delta, rows, inputs.Shape);
            Span<float> xs = x.Span;
            for (int j = 0; j < rows.Length; j++)
            {
                int offset = rows[j] * size;
                Span<float> xj = xs.Slice(j * size, size);
                for (int v = 0; v < size; v++)
                {
                    xj[v] = (MathF.Tanh(w0[offset + v] + xj[v]) + 1f) / 2f;
                }
            }

            LogitGradients margin = model.Differentiate(x, (z, first) => MarginSeed(z, first, rows, goal, consts, losses, adversarial));
            Span<float> g = margin.Gradients[0].Span;
            state.Step++;
            double correction1 = 1 - Math.Pow(Beta1, state.Step);
            double correction2 = 1 - Math.Pow(Beta2, state.Step);
            var still = new List<int>(rows.Length);
            for (int j = 0; j < rows.Length; j++)
            {
                int i = rows[j];
                ReadOnlySpan<float> xj = xs.Slice(j * size, size);
                Span<float> gj = g.Slice(j * size, size);
                ReadOnlySpan<float> sj = start.AsSpan(i * size, size);
                double squared = 0;
                for (int v = 0; v < size; v++)
                {
                    double d = (double)xj[v] - sj[v];
                    squared += d * d;

                    // ∂/∂w of ‖x − x_start‖² + c·margin, with dx/dw = (1 − tanh²w)/2 = 2x(1 − x).
                    gj[v] = (float)((gj[v] + (2 * d)) * 2.0 * xj[v] * (1.0 - xj[v]));
                }

                state.Adam(i, size, gj, StepSize, correction1, correction2);
                double loss = losses[i] + squared;
                if (AbortEarly && step % checkEvery == 0)
                {
                    if (!(loss <= 0.9999 * previous[i]))
                    {
                        continue;
                    }

                    previous[i] = loss;
                }

                if (adversarial[i])
                {
                    found[i] = true;
                    double norm = L2Between(inputs.Span.Slice(i * size, size), xj);
                    if (norm < bestNorm[i])
                    {
                        bestNorm[i] = norm;
                        xj.CopyTo(best.Span.Slice(i * size, size));
                    }
                }

                still.Add(i);
            }

            active = [.. still];
        }

        return found;
    }

    /// <summary>
    /// The seed of <c>c·max(margin + κ, 0)</c>: c at the class that must lose, −c at the class that must
    /// win, zero once the margin is met; records each sample's hinge loss and whether it is adversarial.
    /// </summary>
    private Tensor[] MarginSeed(Tensor logits, int first, int[] rows, AttackGoal goal, double[] consts, double[] losses, bool[] adversarial)
    {
        int b = logits.Shape[0];
        int k = logits.Shape[1];
        Tensor seed = Tensor.Zeros(b, k);
        Span<float> s = seed.Span;
        float[] shifted = new float[k];
        for (int r = 0; r < b; r++)
        {
            int i = rows[first + r];
            ReadOnlySpan<float> z = Rows.Of(logits.Span, r, k);
            int y = goal.Classes[i];
            int other = LogitMath.BestOther(z, y);
            (int lose, int win) = goal.Targeted ? (other, y) : (y, other);
            double hinge = (double)z[lose] - z[win] + Confidence;
            losses[i] = consts[i] * Math.Max(hinge, 0);
            if (hinge > 0)
            {
                s[(r * k) + lose] = (float)consts[i];
                s[(r * k) + win] = (float)-consts[i];
            }

            // Adversarial by the margin κ: the label must lose by κ, or the target win by κ.
            z.CopyTo(shifted);
            shifted[y] += goal.Targeted ? -Confidence : Confidence;
            adversarial[i] = goal.IsMet(shifted, i);
        }

        return [seed];
    }

    private static double L2Between(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double sum = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double d = (double)a[j] - b[j];
            sum += d * d;
        }

        return Math.Sqrt(sum);
    }

    /// <summary>Adam's moments and the perturbation in tanh space, for every sample, reset for each value of c.</summary>
    private sealed class SearchState(int values)
    {
        public float[] Delta { get; } = new float[values];

        public float[] First { get; } = new float[values];

        public float[] Second { get; } = new float[values];

        public int Step { get; set; }

        public void Reset()
        {
            Array.Clear(Delta);
            Array.Clear(First);
            Array.Clear(Second);
            Step = 0;
        }

        /// <summary>One Adam step (Kingma &amp; Ba 2015, with bias correction) on sample <paramref name="i"/>'s perturbation.</summary>
        public void Adam(int i, int size, ReadOnlySpan<float> gradient, float rate, double correction1, double correction2)
        {
            Span<float> delta = Delta.AsSpan(i * size, size);
            Span<float> m = First.AsSpan(i * size, size);
            Span<float> v = Second.AsSpan(i * size, size);
            for (int j = 0; j < size; j++)
            {
                double g = gradient[j];
                m[j] = (float)((Beta1 * m[j]) + ((1 - Beta1) * g));
                v[j] = (float)((Beta2 * v[j]) + ((1 - Beta2) * g * g));
                double mHat = m[j] / correction1;
                double vHat = v[j] / correction2;
                delta[j] -= (float)(rate * mHat / (Math.Sqrt(vHat) + AdamEpsilon));
            }
        }
    }
}
