using FoolingCluster.Attacks.Criteria;
using FoolingCluster.Tensors;
using FoolingCluster.Tensors.Autograd;

namespace FoolingCluster.Attacks.Tests.Support;

/// <summary>The first few test images of the trained LeNet, and its predictions through the network itself (not an attack's model).</summary>
internal sealed class LeNetSubset
{
    private readonly TrainedLeNet _lenet;

    public LeNetSubset(TrainedLeNet lenet, int count)
    {
        _lenet = lenet;
        Count = count;
        Pixels = lenet.Test.Images.AsSpan(0, count * 784).ToArray();
        Labels = lenet.Labels[..count];
    }

    public int Count { get; }

    /// <summary>The images' values, <c>[Count·784]</c>.</summary>
    public float[] Pixels { get; }

    public int[] Labels { get; }

    /// <summary>The images as a tensor <c>[Count,1,28,28]</c> over a fresh copy.</summary>
    public Tensor Images() => Tensor.Wrap(Pixels.ToArray(), Count, 1, 28, 28);

    /// <summary>The top class of each image.</summary>
    public int[] Predict(float[] images)
    {
        using TensorScope scope = TensorScope.Begin();
        using NoGradScope noGrad = NoGradScope.Begin();
        return Criterion.Predictions(_lenet.Net.Forward(Tensor.FromArray(images, images.Length / 784, 1, 28, 28)));
    }

    /// <summary>Fraction of the images classified as their label.</summary>
    public double Accuracy(float[] images)
    {
        int[] predicted = Predict(images);
        return predicted.Where((p, i) => p == Labels[i]).Count() / (double)Count;
    }

    /// <summary>Per image: ‖a − b‖₂.</summary>
    public static double[] L2(float[] a, float[] b) => Measure(a, b, d => d * d, s => Math.Sqrt(s));

    /// <summary>Per image: how many values differ.</summary>
    public static double[] L0(float[] a, float[] b) => Measure(a, b, d => d != 0 ? 1 : 0, s => s);

    private static double[] Measure(float[] a, float[] b, Func<double, double> term, Func<double, double> finish)
    {
        int n = a.Length / 784;
        double[] distances = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int j = i * 784; j < (i + 1) * 784; j++)
            {
                sum += term((double)a[j] - b[j]);
            }

            distances[i] = finish(sum);
        }

        return distances;
    }
}
