using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Tensors;

namespace FoolingCluster.Attacks.Decision;

/// <summary>
/// Everything a decision-based attack may learn about the model: whether candidate images
/// meet the criterion. It keeps count of the images sent to the model (the attack's queries).
/// </summary>
/// <remarks>
/// Candidates may be asked about for a subset of the N samples: only those rows go through the
/// model, and each is judged against its own sample's label or target.
/// </remarks>
public sealed class DecisionOracle
{
    private readonly IAttackModel _model;
    private readonly Criterion _criterion;

    /// <param name="model">The classifier; only its <see cref="IAttackModel.Logits"/> are used.</param>
    /// <param name="criterion">What counts as adversarial for each of the N samples.</param>
    public DecisionOracle(IAttackModel model, Criterion criterion)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(criterion);
        _model = model;
        _criterion = criterion;
    }

    /// <summary>Samples N the criterion judges.</summary>
    public int Count => _criterion.Count;

    /// <summary>Images classified so far.</summary>
    public long Queries { get; private set; }

    /// <summary>Whether each of the N candidates is adversarial for its sample.</summary>
    /// <param name="candidates"><c>[N,C,H,W]</c>: one candidate per sample, in order.</param>
    /// <returns>N flags.</returns>
    public bool[] IsAdversarial(Tensor candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        using TensorScope scope = TensorScope.Begin();
        Queries += candidates.Shape[0];
        return _criterion.IsAdversarial(_model.Logits(candidates));
    }

    /// <summary>Whether each candidate is adversarial for the sample it stands for.</summary>
    /// <param name="candidates"><c>[M,C,H,W]</c>, M ≥ 1: row r is a candidate for sample <c>samples[r]</c>.</param>
    /// <param name="samples">M distinct sample indices in [0,N).</param>
    /// <returns>M flags.</returns>
    public bool[] IsAdversarial(Tensor candidates, ReadOnlySpan<int> samples)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        int m = samples.Length;
        if (candidates.Rank < 1 || candidates.Shape[0] != m)
        {
            throw new ShapeMismatchException($"{m} sample indices for candidates {Tensor.ShapeString(candidates.Shape)}");
        }

        if (m == Count && IsIdentity(samples))
        {
            return IsAdversarial(candidates);
        }

        using TensorScope scope = TensorScope.Begin();
        Queries += m;
        Tensor logits = _model.Logits(candidates);
        int k = logits.Shape[1];

        // The criterion judges all N rows at once; rows of samples not asked about stay zero and their verdicts are dropped.
        Tensor all = Tensor.Zeros(Count, k);
        for (int r = 0; r < m; r++)
        {
            logits.Span.Slice(r * k, k).CopyTo(all.Span.Slice(samples[r] * k, k));
        }

        bool[] verdicts = _criterion.IsAdversarial(all);
        bool[] flags = new bool[m];
        for (int r = 0; r < m; r++)
        {
            flags[r] = verdicts[samples[r]];
        }

        return flags;
    }

    private static bool IsIdentity(ReadOnlySpan<int> samples)
    {
        for (int i = 0; i < samples.Length; i++)
        {
            if (samples[i] != i)
            {
                return false;
            }
        }

        return true;
    }
}
