using System.Globalization;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// Random noise of norm ε added to the input, redrawn up to <see cref="Repeats"/> times until
/// it fools the model (Foolbox's additive noise attacks and their repeated variants). Uses the
/// model's decisions only. What the noise looks like is left to <see cref="Draw"/>.
/// </summary>
/// <remarks>
/// Inputs the model already gets wrong are returned unchanged. Each repeat sends only the
/// samples not yet fooled through the model; where every draw fails, the last one is returned.
/// </remarks>
public abstract class AdditiveNoiseAttack : FixedEpsilonAttack
{
    /// <param name="repeats">Draws per input, at least 1.</param>
    /// <param name="seed">Seed of the noise; each ε starts from the same draws.</param>
    protected AdditiveNoiseAttack(int repeats, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        Repeats = repeats;
        Seed = seed;
    }

    /// <summary>Draws per input.</summary>
    public int Repeats { get; }

    /// <summary>Seed of the noise.</summary>
    public int Seed { get; }

    /// <summary>A name for reports.</summary>
    public abstract override string Name { get; }

    /// <inheritdoc/>
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name} {Distance.Name}, {Repeats} draw{(Repeats == 1 ? "" : "s")}, seed {Seed}");

    /// <summary>Fills one sample's noise, of norm ε in <see cref="FixedEpsilonAttack.Distance"/>.</summary>
    /// <param name="noise">The sample's values; overwritten.</param>
    /// <param name="epsilon">The radius.</param>
    /// <param name="random">The source of randomness.</param>
    internal abstract void Draw(Span<float> noise, float epsilon, NoiseSource random);

    /// <inheritdoc/>
    protected sealed override Tensor RunAttack(IAttackModel model, Tensor inputs, Criterion criterion, float epsilon)
    {
        var oracle = new DecisionOracle(model, criterion);
        var random = new NoiseSource(Seed);
        int n = inputs.Shape[0];
        int size = Rows.SampleSize(inputs);
        ReadOnlySpan<float> x0 = inputs.Span;
        Tensor result = inputs.Detach();
        float[] result0 = result.Data;
        bool[] done = oracle.IsAdversarial(inputs);
        float[] candidates = new float[n * size];
        for (int repeat = 0; repeat < Repeats; repeat++)
        {
            int[] open = Rows.Where(done.Select(d => !d).ToArray());
            if (open.Length == 0)
            {
                break;
            }

            for (int r = 0; r < open.Length; r++)
            {
                Span<float> row = Rows.Row(candidates, r, size);
                Draw(row, epsilon, random);
                System.Numerics.Tensors.TensorPrimitives.Add(row, x0.Slice(open[r] * size, size), row);
                System.Numerics.Tensors.TensorPrimitives.Clamp(row, 0f, 1f, row);
            }

            bool[] fooled = oracle.IsAdversarial(Rows.Wrap(candidates, open.Length, inputs), open);
            for (int r = 0; r < open.Length; r++)
            {
                Rows.Row(candidates, r, size).CopyTo(Rows.Row(result0, open[r], size));
                done[open[r]] = fooled[r];
            }
        }

        return result;
    }
}
