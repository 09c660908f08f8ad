using System.Globalization;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Minimization;

/// <summary>
/// Fooling images by gradient ascent (Nguyen, Yosinski &amp; Clune, CVPR 2015, §3.9): from uniform
/// noise, or any image, follow the gradient of one class's log-probability until the network gives
/// that class at least 99.99 %:
/// <code>
/// x ← U[0,1]ⁿ (or a given image)
/// until p_c(x) ≥ 0.9999 or the iterations run out:
///     g ← ∇ₓ log p_c(x), zero where a pixel at 0 or 1 would be pushed beyond it
///     x ← clip₀₁(x + η · normalise(g))
/// </code>
/// reporting, per image, the iterations after which p_c first reached 99 %, 99.9 % and 99.99 %.
/// </summary>
/// <remarks>
/// Batched over any mix of images and classes: each image stops on its own when it reaches the
/// target, and only the images still climbing are sent to the model, one forward and one backward
/// pass per step. The default step has a fixed L2 length (<see cref="AscentStep.UnitL2"/>), which
/// keeps climbing where p_c is close to 1 and the raw gradient, proportional to 1 − p_c, fades;
/// <see cref="AscentStep.Gradient"/> is Nguyen et al.'s plain gradient.
/// </remarks>
public sealed class FoolingAscent
{
    private readonly NormGeometry? _normalization;

    /// <summary>The probability at which an image stops climbing: 99.99 %.</summary>
    public const double Target = 0.9999;

    /// <param name="stepSize">η, greater than 0: the step's length, or the gradient's factor for <see cref="AscentStep.Gradient"/>.</param>
    /// <param name="maxIterations">Gradient steps per image at most, at least 1.</param>
    /// <param name="step">How a gradient becomes a step.</param>
    public FoolingAscent(float stepSize = 0.1f, int maxIterations = 1000, AscentStep step = AscentStep.UnitL2)
    {
        if (!(stepSize > 0 && float.IsFinite(stepSize)))
        {
            throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "the step size must be a finite number > 0");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        StepSize = stepSize;
        MaxIterations = maxIterations;
        Step = step;
        _normalization = step switch
        {
            AscentStep.Gradient => null,
            AscentStep.UnitL2 => NormGeometry.L2,
            AscentStep.Sign => NormGeometry.Linf,
            _ => throw new ArgumentOutOfRangeException(nameof(step), step, "unknown kind of step"),
        };
    }

    /// <summary>The probabilities whose first crossing is reported: 99 %, 99.9 %, 99.99 %.</summary>
    public static IReadOnlyList<double> Milestones { get; } = [0.99, 0.999, Target];

    /// <summary>η.</summary>
    public float StepSize { get; }

    /// <summary>Gradient steps per image at most.</summary>
    public int MaxIterations { get; }

    /// <summary>How a gradient becomes a step.</summary>
    public AscentStep Step { get; }

    /// <summary>A short description with the settings, for reports.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"gradient ascent on log p, step {StepSize:G4} {Step switch { AscentStep.Gradient => "× gradient", AscentStep.Sign => "× sign of the gradient", _ => "along the unit-L2 gradient" }}, {MaxIterations} iterations at most, until p ≥ {Target:P2}");

    /// <summary>N images of uniform noise in [0,1].</summary>
    /// <param name="count">N.</param>
    /// <param name="imageShape">The shape of one image, e.g. <c>[1,28,28]</c>.</param>
    /// <param name="seed">Seed of the noise.</param>
    /// <returns><c>[N,…imageShape]</c>, in the current scope.</returns>
    public static Tensor UniformNoise(int count, int[] imageShape, int seed)
    {
        ArgumentNullException.ThrowIfNull(imageShape);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var rng = new Random(seed);
        Tensor noise = Tensor.Empty([count, .. imageShape]);
        Span<float> values = noise.Span;
        for (int j = 0; j < values.Length; j++)
        {
            values[j] = rng.NextSingle();
        }

        return noise;
    }

    /// <summary>Climbs from uniform noise: one image per entry of <paramref name="classes"/>.</summary>
    public FoolingAscentResult RunFromNoise(ILogitGradientModel model, ReadOnlySpan<int> classes, int[] imageShape, int seed)
    {
        using TensorScope scope = TensorScope.Begin();
        return Run(model, UniformNoise(classes.Length, imageShape, seed), classes);
    }

    /// <summary>Climbs from the given images.</summary>
    /// <param name="model">The classifier to fool.</param>
    /// <param name="starts"><c>[N,C,H,W]</c> in [0,1]; not changed.</param>
    /// <param name="classes">N classes, one per image, whose probability to raise.</param>
    /// <exception cref="InvalidInputException">A starting value lies outside [0,1] or is NaN.</exception>
    public FoolingAscentResult Run(ILogitGradientModel model, Tensor starts, ReadOnlySpan<int> classes)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(starts);
        if (starts.Rank < 2 || starts.Shape[0] != classes.Length || classes.Length == 0)
        {
            throw new ShapeMismatchException($"{classes.Length} classes for starting images {Tensor.ShapeString(starts.Shape)}; give one class per image, at least one");
        }

        foreach (float v in starts.Span)
        {
            if (!(v >= 0f && v <= 1f))
            {
                throw new InvalidInputException($"starting images must lie in [0,1]; found {v}");
            }
        }

        int n = classes.Length;
        int size = starts.Size / n;
        int[] wanted = classes.ToArray();
        int k;
        using (TensorScope.Begin())
        {
            k = model.Logits(Rows.Gather(starts.Span, [0], starts.Shape)).Shape[1];
        }

        for (int i = 0; i < n; i++)
        {
            if ((uint)wanted[i] >= (uint)k)
            {
                throw new ArgumentOutOfRangeException(nameof(classes), wanted[i], $"class {wanted[i]} of image {i} is outside [0, {k})");
            }
        }

        Tensor x = starts.Detach();
        int?[,] milestones = new int?[n, Milestones.Count];
        double[] probability = new double[n];
        int[] iterations = new int[n];
        int[] active = Enumerable.Range(0, n).ToArray();
        for (int t = 0; active.Length > 0; t++)
        {
            using TensorScope scope = TensorScope.Begin();
            int[] rows = active;
            Tensor batch = Rows.Gather(x.Span, rows, starts.Shape);
            LogitGradients climb = model.Differentiate(batch, (z, first) => [LogProbabilitySeed(z, rows[first..(first + z.Shape[0])].Select(i => wanted[i]).ToArray())]);
            var still = new List<int>(rows.Length);
            var climbing = new List<int>(rows.Length);
            for (int j = 0; j < rows.Length; j++)
            {
                int i = rows[j];
                probability[i] = LogitMath.Probability(Rows.Of(climb.Logits.Span, j, k), wanted[i]);
                iterations[i] = t;
                for (int m = 0; m < Milestones.Count; m++)
                {
                    if (milestones[i, m] is null && probability[i] >= Milestones[m])
                    {
                        milestones[i, m] = t;
                    }
                }

                if (probability[i] < Target && t < MaxIterations)
                {
                    still.Add(i);
                    climbing.Add(j);
                }
            }

            if (climbing.Count > 0)
            {
                Tensor gradient = climb.Gradients[0];
                HoldAtBounds(batch.Span, gradient.Span);
                _normalization?.Normalize(gradient);
                foreach (int j in climbing)
                {
                    Span<float> xi = Rows.Of(x.Span, rows[j], size);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(Rows.Of(gradient.Span, j, size), StepSize, xi, xi);
                    System.Numerics.Tensors.TensorPrimitives.Clamp(xi, 0f, 1f, xi);
                }
            }

            active = [.. still];
        }

        var traces = new FoolingTrace[n];
        for (int i = 0; i < n; i++)
        {
            traces[i] = new FoolingTrace(wanted[i], probability[i], iterations[i], milestones[i, 0], milestones[i, 1], milestones[i, 2]);
        }

        return new FoolingAscentResult(x, traces);
    }

    /// <summary>
    /// Zeroes the gradient of every pixel already at a bound that the step would push further out:
    /// clipping would undo that part of the step, and a normalised step would waste its length on it.
    /// </summary>
    private static void HoldAtBounds(ReadOnlySpan<float> x, Span<float> gradient)
    {
        for (int j = 0; j < x.Length; j++)
        {
            if ((x[j] <= 0f && gradient[j] < 0f) || (x[j] >= 1f && gradient[j] > 0f))
            {
                gradient[j] = 0f;
            }
        }
    }

    /// <summary>The seed whose gradient is that of log p_c: one-hot(c) − softmax, minus the cross-entropy's.</summary>
    private static Tensor LogProbabilitySeed(Tensor logits, int[] classes)
    {
        Tensor seed = ModuleAttackModel.CrossEntropyGradient(logits, classes);
        Span<float> s = seed.Span;
        System.Numerics.Tensors.TensorPrimitives.Negate(s, s);
        return seed;
    }
}
