using FoolingCluster.Models.Data;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Models.Tests.Data;

/// <summary>
/// Checks the MNIST files that ./scripts/setup.sh fetches. Without them these tests fail
/// with the set-up message, because the test script always runs set-up first.
/// </summary>
public sealed class RealMnistTests
{
    private static readonly string s_directory = Path.Combine(RepositoryRoot.Find(), MnistDataset.DefaultDirectory);

    [Fact]
    public void Training_split_has_60000_images_with_the_published_label_counts()
    {
        ImageDataset train = MnistDataset.Load(s_directory, MnistSplit.Train);

        Assert.Equal(60_000, train.Count);
        Assert.Equal(MnistDataset.ExpectedCount(MnistSplit.Train), train.Count);
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], train.ClassCounts(MnistDataset.Classes));
        Assert.Equal(5, train.Labels[0]);
        AssertPlausiblePixels(train);
    }

    [Fact]
    public void Test_split_has_10000_images_with_the_published_label_counts()
    {
        ImageDataset test = MnistDataset.Load(s_directory, MnistSplit.Test);

        Assert.Equal(10_000, test.Count);
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], test.ClassCounts(MnistDataset.Classes));
        Assert.Equal(7, test.Labels[0]);
        AssertPlausiblePixels(test);
    }

    private static void AssertPlausiblePixels(ImageDataset data)
    {
        float min = data.Images.Min();
        float max = data.Images.Max();
        double mean = data.Images.Average();
        Assert.Equal(0f, min);
        Assert.Equal(1f, max);

        // MNIST's mean intensity is about 0.13 in both splits: mostly black background.
        Assert.InRange(mean, 0.12, 0.14);
    }
}
