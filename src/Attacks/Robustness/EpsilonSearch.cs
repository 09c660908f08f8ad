using System.Globalization;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Robustness;

/// <summary>
/// A fixed-ε attack turned into a minimising one, as Foolbox runs one over a list of epsilons:
/// each input is attacked at growing radii until its clipped adversarial succeeds, and the
/// distance reported is that adversarial's own (at most the radius).
/// </summary>
/// <remarks>
/// Only inputs not yet fooled go on to the next radius, so the cost falls as the radius grows.
/// An input the model gets wrong already counts as adversarial at distance 0, as in
/// Schott et al. (2019).
/// </remarks>
public sealed class EpsilonSearch : IMinimizingAttack
{
    private readonly float[] _epsilons;

    /// <param name="attack">The attack run at each radius.</param>
    /// <param name="epsilons">Radii in increasing order, each finite and &gt; 0.</param>
    /// <exception cref="ArgumentException">No radius, or radii that are not positive and increasing.</exception>
    public EpsilonSearch(FixedEpsilonAttack attack, IReadOnlyList<float> epsilons)
    {
        ArgumentNullException.ThrowIfNull(attack);
        ArgumentNullException.ThrowIfNull(epsilons);
        if (epsilons.Count == 0)
        {
            throw new ArgumentException("at least one radius is needed", nameof(epsilons));
        }

        for (int k = 0; k < epsilons.Count; k++)
        {
            Distance.CheckEpsilon(epsilons[k]);
            if (!(epsilons[k] > 0) || (k > 0 && !(epsilons[k] > epsilons[k - 1])))
            {
                throw new ArgumentException($"radii must be > 0 and increasing; radius {k} is {epsilons[k]}", nameof(epsilons));
            }
        }

        Attack = attack;
        _epsilons = [.. epsilons];
    }

    /// <summary>The attack run at each radius.</summary>
    public FixedEpsilonAttack Attack { get; }

    /// <summary>The radii tried, in order.</summary>
    public IReadOnlyList<float> Epsilons => _epsilons;

    /// <inheritdoc/>
    public string Name => Attack.Name;

    /// <inheritdoc/>
    public Distance Distance => Attack.Distance;

    /// <inheritdoc/>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{Attack.Describe()}; smallest of {_epsilons.Length} radii from {_epsilons[0]:G3} to {_epsilons[^1]:G3}");

    /// <inheritdoc/>
    public MinimizationResult Minimize(IAttackModel model, Tensor inputs, Criterion criterion)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(criterion);
        int n = inputs.Shape[0];
        int size = inputs.Size / n;
        Tensor adversarials = inputs.Detach();
        bool[] success;
        using (TensorScope.Begin())
        {
            success = criterion.IsAdversarial(model.Logits(inputs));
        }

        double[] distances = success.Select(s => s ? 0.0 : double.PositiveInfinity).ToArray();
        int[] remaining = Enumerable.Range(0, n).Where(i => !success[i]).ToArray();
        foreach (float epsilon in _epsilons)
        {
            if (remaining.Length == 0)
            {
                break;
            }

            using TensorScope scope = TensorScope.Begin();
            Tensor batch = Rows.Gather(inputs.Span, remaining, inputs.Shape);
            AttackResult found = Attack.Run(model, batch, criterion.Select(remaining), [epsilon]);
            ReadOnlySpan<float> clipped = found.Clipped[0].Span;
            var still = new List<int>(remaining.Length);
            float[] delta = new float[size];
            for (int j = 0; j < remaining.Length; j++)
            {
                int i = remaining[j];
                if (!found.Success[0, j])
                {
                    still.Add(i);
                    continue;
                }

                ReadOnlySpan<float> x = Rows.Of(clipped, j, size);
                x.CopyTo(Rows.Of(adversarials.Span, i, size));
                System.Numerics.Tensors.TensorPrimitives.Subtract(x, Rows.Of(inputs.Span, i, size), delta);
                success[i] = true;
                distances[i] = Distance.Norm(delta);
            }

            remaining = [.. still];
        }

        return new MinimizationResult(adversarials, success, distances, Distance);
    }
}
