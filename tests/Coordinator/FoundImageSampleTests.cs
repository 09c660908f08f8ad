using FoolingCluster.Coordinator.Search;
using FoolingCluster.Evolution.Encodings;
using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Direct;
using FoolingCluster.Evolution.Scheduling;
using FoolingCluster.Protocol.Messages;
using Google.Protobuf;
using Xunit;

namespace FoolingCluster.Coordinator.Tests;

/// <summary>
/// Found images are recomputed by sample: an honest result always passes, a result with one
/// false confidence among ten is refused about as often as a sample of two finds it, and every
/// such result is refused when its worker is checked in full.
/// </summary>
public sealed class FoundImageSampleTests
{
    private const int Classes = 4;
    private const int FoundPerResult = 10;
    private const float Threshold = 0.9f;
    private static readonly ImageShape s_shape = QuarterClassifier.Shape;
    private readonly DirectEncoding _encoding = new(s_shape, new DirectSettings());
    private readonly QuarterClassifier _classifier = new();

    [Fact]
    public void An_honest_result_passes_every_sample()
    {
        ResultCheck<DirectGenome> check = Check(new Random(3));
        ResultMessage honest = Result(lieAt: null);

        for (int i = 0; i < 200; i++)
        {
            (JobOutcome<DirectGenome>? outcome, IReadOnlyList<Runs.FoundImage> found, string? problem) = check.Check(honest, Job(), Threshold);
            Assert.True(outcome is not null, problem);
            Assert.Equal(FoundPerResult, found.Count);
        }
    }

    [Fact]
    public void One_false_confidence_among_ten_is_caught_as_often_as_a_sample_of_two_draws_it()
    {
        ResultCheck<DirectGenome> check = Check(new Random(5));
        ResultMessage lying = Result(lieAt: 7);
        const int Trials = 400;

        int refused = 0;
        for (int i = 0; i < Trials; i++)
        {
            (JobOutcome<DirectGenome>? outcome, _, string? problem) = check.Check(lying, Job(), Threshold);
            if (outcome is null)
            {
                Assert.StartsWith("found image 7: reported confidence", problem, StringComparison.Ordinal);
                refused++;
            }
        }

        // A sample of 2 of 10 holds image 7 with probability 1/5: 80 of 400 expected, 8 the
        // standard deviation. Always or never would mean no sample (or the same one each time).
        Assert.InRange(refused, 40, 120);
    }

    [Fact]
    public void Checked_in_full_every_lying_result_is_refused()
    {
        ResultCheck<DirectGenome> check = Check(new Random(7));
        ResultMessage lying = Result(lieAt: 7);

        for (int i = 0; i < 50; i++)
        {
            Assert.Null(check.Check(lying, Job(), Threshold, full: true).Outcome);
        }
    }

    private ResultCheck<DirectGenome> Check(Random random) =>
        new(_encoding, new Evaluator<DirectGenome>(_encoding.Decoder, _classifier), recompute: true, foundSample: 2, random);

    private JobPlan<DirectGenome> Job() => new(0, 1, [], FoundPerResult, 11, 0, 0);

    /// <summary>A result of a job of ten children, none improving, all found; the confidence of image <paramref name="lieAt"/> made up.</summary>
    private ResultMessage Result(int? lieAt)
    {
        var result = new ResultMessage { RunId = "run", JobId = 1, WorkerId = "w", Evaluations = FoundPerResult };
        var probabilities = new float[Classes];
        for (int i = 0; i < FoundPerResult; i++)
        {
            int label = i % Classes;
            byte[] pixels = new byte[s_shape.Size];
            for (int p = 0; p < pixels.Length; p++)
            {
                // The label's quarter bright (how bright varies with i), the rest dark.
                pixels[p] = (byte)(p / 4 == label ? 255 - i : i);
            }

            _classifier.Classify(pixels.Select(b => b / 255f).ToArray(), 1, probabilities);
            float confidence = probabilities[label];
            Assert.True(confidence >= Threshold, $"image {i} is not above the threshold ({confidence})");
            result.Found.Add(new FoundImageMessage { Label = label, Confidence = i == lieAt ? confidence - 0.05f : confidence, Pixels = ByteString.CopyFrom(pixels) });
        }

        return result;
    }
}
