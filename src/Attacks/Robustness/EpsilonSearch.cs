using System.Globalization;
using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Distances;
using FoolingCluster.Attacks.Minimization;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Robustness;

/// <summary>
/// A fixed-ε attack turned into a minimising one, as Foolbox runs one over a list of epsilons:
/// each input is attacked at the radii of a list, looking for the smallest at which its clipped adversarial succeeds, and the
/// distance reported is that adversarial's own (at most the radius).
/// </summary>
/// <remarks>
/// Each input bisects the list of radii for the smallest that fools it, so an input costs
/// ⌈log₂(K + 1)⌉ runs of the attack for K radii; inputs trying the same radius share one batch.
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
    public MinimizationResult Minimize(IAttackModel model, Tensor inputs, Criterion criterion, CancellationToken cancel = default)
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

        bool[] cleanErrors = [.. success];
        double[] distances = success.Select(s => s ? 0.0 : double.PositiveInfinity).ToArray();

        // Per image, radii below index lo failed (or were skipped) and the one at hi worked; hi = K means none has yet.
        int k = _epsilons.Length;
        int[] lo = new int[n];
        int[] hi = new int[n];
        Array.Fill(lo, -1);
        Array.Fill(hi, k);
        float[] delta = new float[size];
        while (true)
        {
            // Every image still open tries the middle of its bracket; images sharing a radius share one batch.
            var groups = Enumerable.Range(0, n)
                .Where(i => !cleanErrors[i] && hi[i] - lo[i] > 1)
                .GroupBy(i => (lo[i] + hi[i] + 1) / 2)
                .OrderBy(g => g.Key)
                .ToArray();
            if (groups.Length == 0)
            {
                break;
            }

            foreach (IGrouping<int, int> group in groups)
            {
                int[] members = [.. group];
                int mid = group.Key;
                using TensorScope scope = TensorScope.Begin();
                Tensor batch = Rows.Gather(inputs.Span, members, inputs.Shape);
                AttackResult found = Attack.Run(model, batch, criterion.Select(members), [_epsilons[mid]], cancel);
                ReadOnlySpan<float> clipped = found.Clipped[0].Span;
                for (int j = 0; j < members.Length; j++)
                {
                    int i = members[j];
                    if (!found.Success[0, j])
                    {
                        lo[i] = mid;
                        continue;
                    }

                    hi[i] = mid;
                    ReadOnlySpan<float> x = Rows.Of(clipped, j, size);
                    System.Numerics.Tensors.TensorPrimitives.Subtract(x, Rows.Of(inputs.Span, i, size), delta);
                    double distance = Distance.Norm(delta);

                    // A random start can succeed at a larger radius with a smaller perturbation: keep the closest.
                    if (distance < distances[i])
                    {
                        x.CopyTo(Rows.Of(adversarials.Span, i, size));
                        success[i] = true;
                        distances[i] = distance;
                    }
                }
            }
        }

        return new MinimizationResult(adversarials, success, distances, Distance);
    }
}
