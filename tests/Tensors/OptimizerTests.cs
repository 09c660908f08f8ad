using FoolingCluster.Tensors.Optim;
using Xunit;

namespace FoolingCluster.Tensors.Tests;

/// <summary>Optimiser updates against PyTorch's update rules, worked by hand in double.</summary>
public class OptimizerTests
{
    [Fact]
    public void Sgd_with_momentum_and_weight_decay_follows_torch_optim_sgd()
    {
        Tensor p = Tensor.Wrap([1.0f, -2.0f], 2);
        var sgd = new Sgd([p], learningRate: 0.1f, momentum: 0.9f, weightDecay: 0.01f);
        double[] expected = [1.0, -2.0];
        double[] buffer = new double[2];
        double[][] grads = [[0.5, -0.25], [0.1, 0.3], [-0.2, 0.05]];
        for (int step = 0; step < grads.Length; step++)
        {
            p.Grad = Tensor.Wrap(grads[step].Select(v => (float)v).ToArray(), 2);
            sgd.Step();
            for (int i = 0; i < 2; i++)
            {
                double g = grads[step][i] + (0.01 * expected[i]);
                buffer[i] = step == 0 ? g : (0.9 * buffer[i]) + g;
                expected[i] -= 0.1 * buffer[i];
                Assert.Equal(expected[i], p[i], 1e-6);
            }
        }
    }

    [Fact]
    public void Adam_follows_torch_optim_adam()
    {
        Tensor p = Tensor.Wrap([0.3f], 1);
        var adam = new Adam([p], learningRate: 0.05f, weightDecay: 0.1f);
        double x = 0.3, m = 0, v = 0;
        double[] grads = [1.0, -0.5, 0.25, 2.0];
        for (int t = 1; t <= grads.Length; t++)
        {
            p.Grad = Tensor.Wrap([(float)grads[t - 1]], 1);
            adam.Step();
            double g = grads[t - 1] + (0.1 * x);
            m = (0.9 * m) + (0.1 * g);
            v = (0.999 * v) + (0.001 * g * g);
            x -= 0.05 * (m / (1 - Math.Pow(0.9, t))) / (Math.Sqrt(v / (1 - Math.Pow(0.999, t))) + 1e-8);
            Assert.Equal(x, p[0], 1e-5);
        }
    }

    [Fact]
    public void Parameters_without_gradients_are_left_alone()
    {
        Tensor p = Tensor.Wrap([1f], 1);
        new Sgd([p], 0.1f, momentum: 0.9f).Step();
        new Adam([p]).Step();
        Assert.Equal(1f, p[0]);
    }
}
