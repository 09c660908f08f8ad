using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// Evaluates the objectives of some samples at some points.
/// </summary>
/// <param name="samples">The samples, by index in the whole batch.</param>
/// <param name="points"><c>[b,…]</c>: one point per sample, every value in [0,1].</param>
/// <param name="values">Receives b objective values.</param>
/// <param name="gradients">Receives the b gradients, <c>b·size</c> values.</param>
internal delegate void BatchObjective(int[] samples, Tensor points, double[] values, Span<float> gradients);

/// <summary>
/// Limited-memory BFGS over the box [0,1]ⁿ (Nocedal 1980; the bounds handled by projection, in the
/// spirit of L-BFGS-B, Byrd, Lu, Nocedal &amp; Zhu 1995), for a batch of independent objectives that
/// advance in lock-step: one model call evaluates every sample that needs an evaluation.
/// </summary>
/// <remarks>
/// <para>
/// Each iteration, per sample: the variables held at a bound by their gradient are fixed; the
/// two-loop recursion turns the gradient of the free ones into a quasi-Newton direction (steepest
/// descent when the memory is empty or the direction does not descend, the memory then cleared);
/// a backtracking line search on the projected path <c>clip₀₁(x + α·d)</c> halves α from 1 (from
/// <c>1/‖g‖₂</c> on a first step) until Armijo's condition
/// <c>f(x⁺) ≤ f(x) + 10⁻⁴·g·(x⁺ − x)</c> holds. A pair (s, y) enters the memory only when
/// <c>s·y &gt; 10⁻¹⁰</c>, which keeps the inverse-Hessian estimate positive definite.
/// </para>
/// <para>
/// A sample stops when its projected gradient is below <see cref="GradientTolerance"/> (L∞), when an
/// accepted step lowers its objective by less than <see cref="RelativeTolerance"/> of its size,
/// when the line search fails, or after <see cref="MaxIterations"/>.
/// </para>
/// </remarks>
internal sealed class ProjectedLbfgs
{
    private const double Armijo = 1e-4;
    private const int MaxBacktracks = 20;

    public ProjectedLbfgs(int memory, int maxIterations, double gradientTolerance = 1e-5, double relativeTolerance = 1e-9)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(memory, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        Memory = memory;
        MaxIterations = maxIterations;
        GradientTolerance = gradientTolerance;
        RelativeTolerance = relativeTolerance;
    }

    /// <summary>Pairs (s, y) remembered per sample.</summary>
    public int Memory { get; }

    /// <summary>Iterations (accepted or failed line searches) per sample at most.</summary>
    public int MaxIterations { get; }

    /// <summary>Stop when every free variable's gradient is at most this in magnitude.</summary>
    public double GradientTolerance { get; }

    /// <summary>Stop when an accepted step lowers the objective by at most this fraction of max(|f|, 1).</summary>
    public double RelativeTolerance { get; }

    /// <summary>Minimises every sample's objective from its starting point.</summary>
    /// <param name="x">N starting points, every value in [0,1], flat; overwritten with the minimisers found.</param>
    /// <param name="shape">The shape <c>[N,…]</c> of the points.</param>
    /// <param name="objective">Evaluates objectives and gradients.</param>
    /// <returns>The objective value at each returned point.</returns>
    public double[] Minimize(float[] x, int[] shape, BatchObjective objective)
    {
        int n = shape[0];
        int size = x.Length / n;
        var state = new State(n, size, Memory);
        int[] all = Enumerable.Range(0, n).ToArray();
        Evaluate(objective, all, x, shape, state.F, state.G);
        float[] direction = new float[x.Length];
        double[] alpha = new double[n];
        int[] active = all;
        for (int iteration = 0; iteration < MaxIterations && active.Length > 0; iteration++)
        {
            var searching = new List<int>(active.Length);
            foreach (int i in active)
            {
                if (Direction(state, i, x.AsSpan(i * size, size), direction.AsSpan(i * size, size), out alpha[i]))
                {
                    searching.Add(i);
                }
            }

            var next = new List<int>(searching.Count);
            float[] trial = new float[x.Length];
            for (int backtrack = 0; backtrack < MaxBacktracks && searching.Count > 0; backtrack++)
            {
                int[] rows = [.. searching];
                foreach (int i in rows)
                {
                    Span<float> t = trial.AsSpan(i * size, size);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(direction.AsSpan(i * size, size), (float)alpha[i], x.AsSpan(i * size, size), t);
                    System.Numerics.Tensors.TensorPrimitives.Clamp(t, 0f, 1f, t);
                }

                double[] f = new double[rows.Length];
                float[] g = new float[rows.Length * size];
                Evaluate(objective, rows, trial, shape, f, g);
                searching.Clear();
                for (int j = 0; j < rows.Length; j++)
                {
                    int i = rows[j];
                    ReadOnlySpan<float> t = trial.AsSpan(i * size, size);
                    Span<float> xi = x.AsSpan(i * size, size);
                    double decrease = 0;
                    for (int v = 0; v < size; v++)
                    {
                        decrease += state.G[(i * size) + v] * ((double)t[v] - xi[v]);
                    }

                    if (f[j] <= state.F[i] + (Armijo * decrease))
                    {
                        bool progressed = state.F[i] - f[j] > RelativeTolerance * Math.Max(Math.Abs(state.F[i]), 1);
                        state.Remember(i, xi, t, g.AsSpan(j * size, size));
                        t.CopyTo(xi);
                        g.AsSpan(j * size, size).CopyTo(state.G.AsSpan(i * size, size));
                        state.F[i] = f[j];
                        if (progressed)
                        {
                            next.Add(i);
                        }
                    }
                    else if (backtrack < MaxBacktracks - 1)
                    {
                        alpha[i] /= 2;
                        searching.Add(i);
                    }
                }
            }

            active = [.. next];
        }

        return state.F;
    }

    /// <summary>
    /// The quasi-Newton direction over the free variables of sample i and the first step length;
    /// false when the projected gradient is small enough to stop.
    /// </summary>
    private bool Direction(State state, int i, ReadOnlySpan<float> x, Span<float> d, out double alpha)
    {
        int size = x.Length;
        ReadOnlySpan<float> g = state.G.AsSpan(i * size, size);
        bool[] free = new bool[size];
        double largest = 0;
        double norm = 0;
        for (int v = 0; v < size; v++)
        {
            // A variable at a bound whose gradient pushes it outwards stays where it is.
            free[v] = !((x[v] <= 0f && g[v] > 0f) || (x[v] >= 1f && g[v] < 0f));
            d[v] = free[v] ? g[v] : 0f;
            largest = Math.Max(largest, Math.Abs(d[v]));
            norm += (double)d[v] * d[v];
        }

        alpha = 1;
        if (largest <= GradientTolerance)
        {
            return false;
        }

        state.TwoLoop(i, d);
        double slope = 0;
        for (int v = 0; v < size; v++)
        {
            d[v] = free[v] ? -d[v] : 0f;
            slope += (double)g[v] * d[v];
        }

        if (state.Count[i] == 0 || !(slope < 0))
        {
            state.Forget(i);
            for (int v = 0; v < size; v++)
            {
                d[v] = free[v] ? -g[v] : 0f;
            }

            alpha = 1 / Math.Sqrt(norm);
        }

        return true;
    }

    private static void Evaluate(BatchObjective objective, int[] rows, float[] points, int[] shape, double[] values, Span<float> gradients)
    {
        using TensorScope scope = TensorScope.Begin();
        objective(rows, Rows.Gather(points, rows, shape), values, gradients);
    }

    /// <summary>Every sample's value, gradient and memory of (s, y) pairs, newest last, in a ring.</summary>
    private sealed class State(int n, int size, int memory)
    {
        private readonly float[] _s = new float[n * memory * size];
        private readonly float[] _y = new float[n * memory * size];
        private readonly double[] _rho = new double[n * memory];
        private readonly int[] _newest = new int[n];

        public double[] F { get; } = new double[n];

        public float[] G { get; } = new float[n * size];

        public int[] Count { get; } = new int[n];

        public void Forget(int i) => Count[i] = 0;

        /// <summary>Stores s = x⁺ − x and y = g⁺ − g when their product shows positive curvature.</summary>
        public void Remember(int i, ReadOnlySpan<float> x, ReadOnlySpan<float> xNew, ReadOnlySpan<float> gNew)
        {
            ReadOnlySpan<float> g = G.AsSpan(i * size, size);
            double sy = 0;
            for (int v = 0; v < size; v++)
            {
                sy += ((double)xNew[v] - x[v]) * ((double)gNew[v] - g[v]);
            }

            if (!(sy > 1e-10))
            {
                return;
            }

            // The slot after the newest is free, or holds the oldest pair, which the new one replaces.
            int slot = (_newest[i] + 1) % memory;
            System.Numerics.Tensors.TensorPrimitives.Subtract(xNew, x, Pair(_s, i, slot));
            System.Numerics.Tensors.TensorPrimitives.Subtract(gNew, g, Pair(_y, i, slot));
            _newest[i] = slot;
            _rho[(i * memory) + slot] = 1 / sy;
            Count[i] = Math.Min(Count[i] + 1, memory);
        }

        /// <summary>Replaces q with H·q, H the L-BFGS estimate of the inverse Hessian (Nocedal &amp; Wright, algorithm 7.4).</summary>
        public void TwoLoop(int i, Span<float> q)
        {
            int count = Count[i];
            if (count == 0)
            {
                return;
            }

            double[] a = new double[count];
            for (int k = 0; k < count; k++)
            {
                int slot = Slot(i, k);
                a[k] = _rho[(i * memory) + slot] * Dot(Pair(_s, i, slot), q);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(Pair(_y, i, slot), (float)-a[k], q, q);
            }

            Span<float> yNew = Pair(_y, i, _newest[i]);
            double gamma = 1 / (_rho[(i * memory) + _newest[i]] * Dot(yNew, yNew));
            System.Numerics.Tensors.TensorPrimitives.Multiply(q, (float)gamma, q);
            for (int k = count - 1; k >= 0; k--)
            {
                int slot = Slot(i, k);
                double b = _rho[(i * memory) + slot] * Dot(Pair(_y, i, slot), q);
                System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(Pair(_s, i, slot), (float)(a[k] - b), q, q);
            }
        }

        /// <summary>The slot of the k-th newest pair (k = 0 the newest).</summary>
        private int Slot(int i, int k) => ((_newest[i] - k) % memory + memory) % memory;

        private Span<float> Pair(float[] store, int i, int slot) => store.AsSpan(((i * memory) + slot) * size, size);

        private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            double sum = 0;
            for (int v = 0; v < a.Length; v++)
            {
                sum += (double)a[v] * b[v];
            }

            return sum;
        }
    }
}
