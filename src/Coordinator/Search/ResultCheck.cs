using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Protocol.Messages;
using FoolingCluster.Runs;
using FoolingCluster.Runs.Codecs;

namespace FoolingCluster.Coordinator.Search;

/// <summary>
/// Checks a worker's result against the job it answers before anything of it reaches the
/// archive: counts and indices, probability vectors (length, finite, in [0,1], summing to at most 1),
/// genomes (decodable, within the encoding's limits), found images (size, label, threshold);
/// then recomputes, with the coordinator's own copy of the model, the probabilities of every
/// reported child that could hold a cell once the generation is merged (see <c>best</c> in
/// <see cref="Check"/>), so a worker that lies about the scores that reach the archive is
/// caught, not trusted. Found images (the run's record of everything above the threshold, which late in a
/// run is a fifth of all children) are recomputed by sample: a few per result, drawn at random
/// here after the result arrived, so a worker cannot know which; every one when
/// <c>full</c> is asked for (a worker already caught once).
/// </summary>
/// <typeparam name="TGenome">Genome type.</typeparam>
/// <param name="encoding">The run's encoding.</param>
/// <param name="verifier">The coordinator's evaluator.</param>
/// <param name="recompute">
/// Recompute reported scores. Off only for workers in this process, which run the same code on
/// the same model and cannot lie; the structural checks run regardless.
/// </param>
/// <param name="foundSample">Found images recomputed per result unless every one is asked for.</param>
/// <param name="random">Draws the sample; the shared generator unless a test fixes it.</param>
public sealed class ResultCheck<TGenome>(IEncoding<TGenome> encoding, Evaluator<TGenome> verifier, bool recompute = true, int foundSample = ResultCheck<TGenome>.DefaultFoundSample, Random? random = null)
{
    /// <summary>
    /// Found images recomputed per result by default. A result that lies about m of its n
    /// found images escapes with probability C(n − m, 2) / C(n, 2): at most 80 % for one lie
    /// among ten, and its worker is caught within a few results if it keeps lying, after which
    /// everything it sends is recomputed.
    /// </summary>
    public const int DefaultFoundSample = 2;

    private readonly Random _random = random ?? Random.Shared;

    /// <summary>
    /// Largest difference allowed between a reported and a recomputed probability. Recomputing
    /// a few children alone rather than in the worker's batch changes the kernels' summation
    /// order, which moves probabilities by about 1e-7; anything near the 1e-4 that separates
    /// 99.99 % from 99.98 % is a lie.
    /// </summary>
    public const float Tolerance = 1e-5f;

    /// <summary>The outcome and found images of <paramref name="result"/>, or the reason it is refused.</summary>
    /// <param name="result">What the worker sent.</param>
    /// <param name="job">The job it answers.</param>
    /// <param name="recordThreshold">Lowest confidence a found image may have.</param>
    /// <param name="full">Recompute every reported child and every found image, not only contenders and a sample.</param>
    /// <param name="best">
    /// Per cell, the highest score among the children of the generation's results accepted so far
    /// (the elites' scores before any), <c>[K]</c>; raised by this result once it is accepted.
    /// Only children that reach it for some cell, and hold their result's highest score there,
    /// are recomputed: any other child is beaten in every cell it improves by one already
    /// recomputed, so it can never hold a cell once the generation is merged. Null recomputes
    /// every reported child.
    /// </param>
    public (JobOutcome<TGenome>? Outcome, IReadOnlyList<FoundImage> Found, string? Problem) Check(ResultMessage result, JobPlan<TGenome> job, float recordThreshold, bool full = false, float[]? best = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(job);
        int k = verifier.Classifier.Classes;
        ImageShape shape = encoding.Shape;
        if (result.Evaluations != job.Children)
        {
            return Refuse($"reports {result.Evaluations} evaluations for a job of {job.Children} children");
        }

        if (result.Improving.Count > job.Children || result.Found.Count > job.Children)
        {
            return Refuse($"reports {result.Improving.Count} improving children and {result.Found.Count} found images for a job of {job.Children}");
        }

        var indices = new List<int>(result.Improving.Count);
        var genomes = new List<TGenome>(result.Improving.Count);
        var probabilities = new float[result.Improving.Count * k];
        var seen = new HashSet<int>();
        for (int i = 0; i < result.Improving.Count; i++)
        {
            ChildMessage child = result.Improving[i];
            if (child.Index < 0 || child.Index >= job.Children || !seen.Add(child.Index))
            {
                return Refuse($"child index {child.Index} is outside the job's {job.Children} children or repeated");
            }

            if (ProbabilityProblem(child.Probabilities, k) is string problem)
            {
                return Refuse($"child {child.Index}: {problem}");
            }

            try
            {
                genomes.Add(encoding.FromMessage(child.Genome ?? new Protocol.Messages.GenomeMessage()));
            }
            catch (InvalidGenomeException ex)
            {
                return Refuse($"child {child.Index}: {ex.Message}");
            }

            indices.Add(child.Index);
            child.Probabilities.CopyTo(probabilities, i * k);
        }

        if (recompute && genomes.Count > 0)
        {
            int[] contenders = full || best is null ? [.. Enumerable.Range(0, genomes.Count)] : Contenders(probabilities, k, best);
            EvaluatedBatch recomputed = verifier.Evaluate([.. contenders.Select(c => genomes[c])]);
            for (int r = 0; r < contenders.Length; r++)
            {
                for (int cell = 0; cell < k; cell++)
                {
                    float reported = probabilities[(contenders[r] * k) + cell];
                    float again = recomputed.Probabilities[(r * k) + cell];
                    if (Math.Abs(again - reported) > Tolerance)
                    {
                        return Refuse($"child {indices[contenders[r]]}: reported probability {reported:G6} of class {cell}, recomputed {again:G6}");
                    }
                }
            }

            // Within tolerance the worker's numbers are kept: they come from the job's whole
            // batch, as in a run with in-process workers, so both kinds of run give the same archive.
        }

        var found = new List<FoundImage>(result.Found.Count);
        for (int i = 0; i < result.Found.Count; i++)
        {
            FoundImageMessage f = result.Found[i];
            if (f.Pixels.Length != shape.Size || f.Label < 0 || f.Label >= k || !(f.Confidence >= recordThreshold && f.Confidence <= 1f))
            {
                return Refuse($"found image {i}: {f.Pixels.Length} pixels (expected {shape.Size}), label {f.Label}, confidence {f.Confidence:G6} (threshold {recordThreshold:G6})");
            }

            found.Add(new FoundImage(f.Label, f.Confidence, job.Generation, f.Pixels.ToByteArray()));
        }

        if (recompute && found.Count > 0 && FalseConfidence(found, full ? found.Count : foundSample) is string lie)
        {
            return Refuse(lie);
        }

        if (best is not null)
        {
            // Every cell's highest score in this result belongs to a child just recomputed.
            for (int i = 0; i < probabilities.Length; i++)
            {
                best[i % k] = Math.Max(best[i % k], probabilities[i]);
            }
        }

        return (new JobOutcome<TGenome>(indices, genomes, probabilities, result.Evaluations), found, null);
    }

    /// <summary>
    /// The children (rows of <paramref name="probabilities"/>, <c>[N,K]</c>) that could hold a
    /// cell after the merge: for some cell, a score at least <paramref name="best"/>'s (a tie may
    /// win, by job order) and the highest of the result's there.
    /// </summary>
    private static int[] Contenders(float[] probabilities, int k, float[] best)
    {
        int n = probabilities.Length / k;
        var contenders = new SortedSet<int>();
        for (int cell = 0; cell < k; cell++)
        {
            float top = float.NegativeInfinity;
            for (int i = 0; i < n; i++)
            {
                top = Math.Max(top, probabilities[(i * k) + cell]);
            }

            if (!(top >= best[cell]))
            {
                continue;
            }

            for (int i = 0; i < n; i++)
            {
                if (probabilities[(i * k) + cell] == top)
                {
                    contenders.Add(i);
                }
            }
        }

        return [.. contenders];
    }

    /// <summary>Recomputes <paramref name="count"/> of <paramref name="found"/>, drawn at random; the first whose confidence is false, or null.</summary>
    private string? FalseConfidence(List<FoundImage> found, int count)
    {
        int[] order = [.. Enumerable.Range(0, found.Count)];
        count = Math.Min(count, order.Length);
        for (int i = 0; i < count; i++)
        {
            int pick = _random.Next(i, order.Length);
            (order[i], order[pick]) = (order[pick], order[i]);
        }

        int size = encoding.Shape.Size;
        int k = verifier.Classifier.Classes;
        var images = new float[count * size];
        for (int i = 0; i < count; i++)
        {
            byte[] pixels = found[order[i]].Pixels;
            for (int p = 0; p < size; p++)
            {
                images[(i * size) + p] = pixels[p] / 255f;
            }
        }

        var recomputed = new float[count * k];
        verifier.Classifier.Classify(images, count, recomputed);
        for (int i = 0; i < count; i++)
        {
            FoundImage image = found[order[i]];
            float again = recomputed[(i * k) + image.Label];
            if (Math.Abs(again - image.Confidence) > Tolerance)
            {
                return $"found image {order[i]}: reported confidence {image.Confidence:G6}, recomputed {again:G6}";
            }
        }

        return null;
    }

    private static string? ProbabilityProblem(IReadOnlyList<float> p, int k)
    {
        if (p.Count != k)
        {
            return $"{p.Count} probabilities for {k} classes";
        }

        double sum = 0;
        foreach (float v in p)
        {
            if (!(v >= 0f && v <= 1f))
            {
                return $"probability {v:G6} is not in [0,1]";
            }

            sum += v;
        }

        // A network with a fooling class reports only its real classes, whose probabilities sum to
        // less than 1; the scores themselves are recomputed unless the workers are trusted.
        return sum > 1 + 1e-3 ? $"probabilities sum to {sum:G6}, more than 1" : null;
    }

    private static (JobOutcome<TGenome>?, IReadOnlyList<FoundImage>, string?) Refuse(string problem) => (null, [], problem);
}
