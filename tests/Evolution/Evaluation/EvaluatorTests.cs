using FoolingCluster.Evolution.Evaluation;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Evolution.Genomes.Cppn;
using FoolingCluster.Evolution.Tests.Support;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Evolution.Tests.Evaluation;

public class EvaluatorTests
{
    private static readonly ImageShape s_shape = new(3, 5, 6);

    [Fact]
    public void Images_are_rendered_quantised_to_8_bits_and_classified_as_quantised()
    {
        List<CppnGenome> genomes = CppnSamples.Evolved(s_shape, count: 6, mutations: 20, seed: 121);
        var decoder = new CppnDecoder(s_shape);
        var classifier = new MeanClassifier(s_shape, 4);
        var evaluator = new Evaluator<CppnGenome>(decoder, classifier);

        EvaluatedBatch batch = evaluator.Evaluate(genomes);

        Assert.Equal(6, batch.Count);
        Assert.Equal(6 * s_shape.Size, batch.Images.Length);
        Assert.Equal(6 * 4, batch.Probabilities.Length);
        Assert.Same(classifier, evaluator.Classifier);
        var raw = new float[6 * s_shape.Size];
        decoder.Render(genomes, raw);
        for (int i = 0; i < raw.Length; i++)
        {
            float levels = batch.Images[i] * 255f;
            Assert.Equal(MathF.Round(levels), levels, 1e-3f);
            Assert.True(Math.Abs(batch.Images[i] - raw[i]) <= (0.5f / 255) + 1e-6f, $"value {i}: rendered {raw[i]}, evaluated {batch.Images[i]}");
        }

        var expected = new float[6 * 4];
        classifier.Classify(batch.Images, 6, expected);
        Assert.Equal(expected, batch.Probabilities);
        Assert.True(batch.RenderSeconds >= 0 && batch.ClassifySeconds >= 0);
    }

    [Fact]
    public void An_empty_batch_evaluates_to_nothing()
    {
        var evaluator = new Evaluator<CppnGenome>(new CppnDecoder(s_shape), new MeanClassifier(s_shape, 4));

        EvaluatedBatch batch = evaluator.Evaluate([]);

        Assert.Equal(0, batch.Count);
        Assert.Empty(batch.Images);
        Assert.Empty(batch.Probabilities);
    }

    [Fact]
    public void A_decoder_and_classifier_of_different_shapes_are_refused()
    {
        Assert.Throws<ShapeMismatchException>(() => new Evaluator<CppnGenome>(new CppnDecoder(s_shape), new MeanClassifier(new ImageShape(1, 5, 6), 4)));
    }
}
