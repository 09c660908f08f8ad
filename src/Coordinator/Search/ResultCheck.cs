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
/// reported child, so a worker that lies about the scores that reach the archive is caught, not
/// trusted. Found images (the run's record of everything above the threshold, which late in a
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
    /// <param name="full">Recompute every found image, not a sample.</param>
    public (JobOutcome<TGenome>? Outcome, IReadOnlyList<FoundImage> Found, string? Problem) Check(ResultMessage result, JobPlan<TGenome> job, float recordThreshold, bool full = false)
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
            EvaluatedBatch recomputed = verifier.Evaluate(genomes);
            for (int i = 0; i < probabilities.Length; i++)
            {
                if (Math.Abs(recomputed.Probabilities[i] - probabilities[i]) > Tolerance)
                {
                    return Refuse($"child {indices[i / k]}: reported probability {probabilities[i]:G6} of class {i % k}, recomputed {recomputed.Probabilities[i]:G6}");
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

        return (new JobOutcome<TGenome>(indices, genomes, probabilities, result.Evaluations), found, null);
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
