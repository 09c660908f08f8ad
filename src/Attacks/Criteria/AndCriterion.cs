using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Criteria;

/// <summary>Both criteria at once, sample by sample; made by <see cref="Criterion.And"/>.</summary>
internal sealed class AndCriterion : Criterion
{
    private readonly Criterion _a;
    private readonly Criterion _b;

    public AndCriterion(Criterion a, Criterion b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"criteria judging {a.Count} and {b.Count} samples cannot be combined", nameof(b));
        }

        _a = a;
        _b = b;
    }

    public override int Count => _a.Count;

    public override Criterion Select(ReadOnlySpan<int> samples) => new AndCriterion(_a.Select(samples), _b.Select(samples));

    public override bool[] IsAdversarial(Tensor logits)
    {
        bool[] a = _a.IsAdversarial(logits);
        bool[] b = _b.IsAdversarial(logits);
        for (int i = 0; i < a.Length; i++)
        {
            a[i] &= b[i];
        }

        return a;
    }
}
