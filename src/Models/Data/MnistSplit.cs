namespace FoolingCluster.Models.Data;

/// <summary>The two parts of MNIST.</summary>
public enum MnistSplit
{
    /// <summary>60,000 training images (<c>train-*</c> files).</summary>
    Train,

    /// <summary>10,000 test images (<c>t10k-*</c> files).</summary>
    Test,
}
