using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Attacks.Decision;
using FoolingCluster.Attacks.Gradient;
using FoolingCluster.Tensors;
using Xunit;

namespace FoolingCluster.Attacks.Tests;

/// <summary>
/// A gradient estimated from probes asks the model many times within one question of the
/// attack; a stop during it comes at the next batch of probes, not after the whole estimate.
/// </summary>
public class GradientEstimatorStopTests
{
    [Fact]
    public void An_attack_stopped_during_an_estimated_gradient_asks_for_no_further_probes()
    {
        using var stop = new CancellationTokenSource();
        int probeBatches = 0;

        // Cancels during the first batch of probes (32 images; the plain questions are about 4),
        // as a signal arriving then would.
        var model = new LogitsOnlyModel(images =>
        {
            if (images.Shape[0] == 32)
            {
                probeBatches++;
                stop.Cancel();
            }

            return Tensor.Zeros(images.Shape[0], 10);
        });

        // 4 images × 100 probes, 32 to a batch: 13 batches for the one gradient FGSM asks for.
        var estimator = GradientEstimator.Antithetic(model, samples: 100, seed: 3, maxBatch: 32);
        using TensorScope scope = TensorScope.Begin();
        Tensor images = Tensor.Full(0.5f, 4, 1, 28, 28);
        Assert.ThrowsAny<OperationCanceledException>(() => new Fgsm().Run(estimator, images, new Misclassification([1, 2, 3, 4]), [0.1f], stop.Token));
        Assert.Equal(1, probeBatches);
    }

    [Fact]
    public void Outside_a_stop_scope_the_estimate_is_what_it_is_inside_an_uncancelled_one()
    {
        var model = new LogitsOnlyModel(images =>
        {
            // A smooth function of the pixels, so the estimate is not all zeros.
            Tensor logits = Tensor.Zeros(images.Shape[0], 10);
            int size = images.Span.Length / images.Shape[0];
            for (int i = 0; i < images.Shape[0]; i++)
            {
                for (int j = 0; j < size; j++)
                {
                    logits.Span[(i * 10) + (j % 10)] += images.Span[(i * size) + j] * (j % 7);
                }
            }

            return logits;
        });
        var estimator = GradientEstimator.Antithetic(model, samples: 20, seed: 5, maxBatch: 8);
        using TensorScope scope = TensorScope.Begin();
        Tensor images = Tensor.Full(0.25f, 2, 1, 28, 28);
        float[] plain = estimator.LossGradient(images, [1, 2]).ToArray();
        using var source = new CancellationTokenSource();
        float[] scoped;
        using (StopScope.Begin(source.Token))
        {
            scoped = estimator.LossGradient(images, [1, 2]).ToArray();
        }

        Assert.Equal(plain, scoped);
        Assert.Contains(plain, v => v != 0);
    }
}
