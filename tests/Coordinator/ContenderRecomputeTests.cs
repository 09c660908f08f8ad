using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs.Codecs;
using Xunit;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>
/// Within a generation the coordinator recomputes only the reported children that could hold a
/// cell after the merge: each cell's best child of a result, where it reaches the best score
/// accepted so far. A child beaten everywhere by one already recomputed is taken as reported
/// (it can hold nothing); one that a lie lifts to the top is recomputed and refused.
/// </summary>
public sealed class ContenderRecomputeTests
{
    private const int Classes = 4;
    private static readonly ImageShape s_shape = QuarterClassifier.Shape;
    private readonly DirectEncoding _encoding = new(s_shape, new DirectSettings());
    private readonly QuarterClassifier _classifier = new();

    [Fact]
    public void Only_each_cells_best_child_is_recomputed_and_raises_the_bar()
    {
        float[] best = [0.3f, 0.3f, 0.3f, 0.3f];
        ResultMessage result = Result(("strong", 0), ("weak", 0));
        (JobOutcome<DirectGenome>? outcome, _, string? problem) = Check().Check(result, Job(), 2f, best: best);

        Assert.True(outcome is not null, problem);
        Assert.Equal(1, _classifier.Images);
        Assert.Equal(result.Improving[0].Probabilities[0], best[0]);

        // A later result whose children all fall short of that bar is taken without recomputing.
        _classifier.Images = 0;
        Assert.NotNull(Check().Check(Result(("weak", 0), ("weak", 0)), Job(), 2f, best: best).Outcome);
        Assert.Equal(0, _classifier.Images);
    }

    [Fact]
    public void A_lie_that_stays_below_a_recomputed_child_is_harmless_and_one_that_rises_above_it_is_refused()
    {
        float[] best = [0.3f, 0.3f, 0.3f, 0.3f];
        ResultMessage low = Result(("strong", 0), ("weak", 0));
        low.Improving[1].Probabilities[0] -= 0.01f;
        Assert.NotNull(Check().Check(low, Job(), 2f, best: (float[])best.Clone()).Outcome);

        ResultMessage high = Result(("strong", 0), ("weak", 0));
        high.Improving[1].Probabilities.Clear();
        high.Improving[1].Probabilities.AddRange([StrongScore(high) + 0.001f, 0f, 0f, 0f]);
        (JobOutcome<DirectGenome>? outcome, _, string? problem) = Check().Check(high, Job(), 2f, best: (float[])best.Clone());
        Assert.Null(outcome);
        Assert.StartsWith("child 1: reported probability", problem, StringComparison.Ordinal);

        // A tie with the bar may win by job order, so it is recomputed too.
        _classifier.Images = 0;
        ResultMessage tie = Result(("weak", 0));
        float[] level = [tie.Improving[0].Probabilities[0], 1f, 1f, 1f];
        Assert.NotNull(Check().Check(tie, Job(), 2f, best: level).Outcome);
        Assert.Equal(1, _classifier.Images);
    }

    [Fact]
    public void Without_a_bar_or_for_a_worker_checked_in_full_every_child_is_recomputed()
    {
        Assert.NotNull(Check().Check(Result(("strong", 0), ("weak", 0)), Job(), 2f).Outcome);
        Assert.Equal(2, _classifier.Images);
        Assert.NotNull(Check().Check(Result(("strong", 0), ("weak", 0)), Job(), 2f, full: true, best: [0.3f, 0.3f, 0.3f, 0.3f]).Outcome);
        Assert.Equal(4, _classifier.Images);
    }

    private static float StrongScore(ResultMessage result) => result.Improving[0].Probabilities[0];

    private ResultCheck<DirectGenome> Check() => new(_encoding, new Evaluator<DirectGenome>(_encoding.Decoder, _classifier), recompute: true);

    private static JobPlan<DirectGenome> Job() => new(0, 1, [], 10, 11, 0, 0);

    /// <summary>Reported children, honest: a "strong" or "weak" image of a class (its quarter at 0.3 or 0.2, the rest dark: about 98 % or 89 %).</summary>
    private ResultMessage Result(params (string Kind, int Label)[] children)
    {
        var result = new ResultMessage { RunId = "run", JobId = 1, WorkerId = "w", Evaluations = 10 };
        for (int i = 0; i < children.Length; i++)
        {
            var direct = new DirectGenomeMessage { Channels = 1, Height = 4, Width = 4 };
            direct.Genes.AddRange(Enumerable.Range(0, 16).Select(p => p / 4 == children[i].Label ? (children[i].Kind == "strong" ? 0.3f : 0.2f) : 0f));
            var genome = new GenomeMessage { Direct = direct };
            float[] p = new float[Classes];
            int before = _classifier.Images;
            new Evaluator<DirectGenome>(_encoding.Decoder, _classifier).Evaluate([_encoding.FromMessage(genome)]).Probabilities.AsSpan(0, Classes).CopyTo(p);
            _classifier.Images = before;
            var child = new ChildMessage { Index = i, Genome = genome };
            child.Probabilities.AddRange(p);
            result.Improving.Add(child);
        }

        return result;
    }
}
