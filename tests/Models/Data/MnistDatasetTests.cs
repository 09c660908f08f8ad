using FoolingCluster.Models.Data;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Models.Tests.Data;

public sealed class MnistDatasetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Missing_directory_names_it_and_the_setup_command()
    {
        string missing = Path.Combine(_dir.Path, "nowhere");

        MissingDataException e = Assert.Throws<MissingDataException>(() => MnistDataset.Load(missing, MnistSplit.Train));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("./scripts/setup.sh", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MnistSplit.Test, "t10k-images-idx3-ubyte")]
    [InlineData(MnistSplit.Train, "train-images-idx3-ubyte")]
    public void Missing_file_names_it_and_the_setup_command(MnistSplit split, string file)
    {
        MissingDataException e = Assert.Throws<MissingDataException>(() => MnistDataset.Load(_dir.Path, split));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains("./scripts/setup.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_label_file_is_named()
    {
        IdxWriter.Write(_dir.File("t10k-images-idx3-ubyte"), new byte[28 * 28], 1, 28, 28);

        MissingDataException e = Assert.Throws<MissingDataException>(() => MnistDataset.Load(_dir.Path, MnistSplit.Test));
        Assert.Contains("t10k-labels-idx1-ubyte", e.Message, StringComparison.Ordinal);
        Assert.Contains("./scripts/setup.sh", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_images_as_n_1_28_28_in_unit_range()
    {
        WriteFake(MnistSplit.Test, [7, 2, 1]);

        ImageDataset test = MnistDataset.Load(_dir.Path, MnistSplit.Test);

        Assert.Equal(3, test.Count);
        Assert.Equal([3, 1, 28, 28], test.AsTensor().Shape);
        Assert.Equal([7, 2, 1], test.Labels);
        Assert.Equal(1f, test.Image(1)[0]);
        Assert.Equal(2 / 255f, test.Image(2)[0]);
        Assert.All(test.Images, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Subsets_keep_the_first_images()
    {
        WriteFake(MnistSplit.Train, [4, 5, 6, 7]);

        ImageDataset all = MnistDataset.Load(_dir.Path, MnistSplit.Train);
        ImageDataset limited = MnistDataset.Load(_dir.Path, MnistSplit.Train, limit: 2);
        ImageDataset taken = all.Take(2);

        Assert.Equal([4, 5], limited.Labels);
        Assert.Equal(all.Images[..(2 * 784)], limited.Images);
        Assert.Equal(limited.Labels, taken.Labels);
        Assert.Equal(limited.Images, taken.Images);
        Assert.Equal(4, all.Take(100).Count);
    }

    [Fact]
    public void Labels_outside_0_to_9_are_rejected()
    {
        WriteFake(MnistSplit.Test, [3, 10]);

        DataFormatException e = Assert.Throws<DataFormatException>(() => MnistDataset.Load(_dir.Path, MnistSplit.Test));
        Assert.Contains("label 10 of item 1 is outside 0..9", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Images_of_the_wrong_size_are_rejected()
    {
        IdxWriter.Write(_dir.File("t10k-images-idx3-ubyte"), new byte[2 * 32 * 32], 2, 32, 32);
        IdxWriter.Write(_dir.File("t10k-labels-idx1-ubyte"), [0, 1], 2);

        DataFormatException e = Assert.Throws<DataFormatException>(() => MnistDataset.Load(_dir.Path, MnistSplit.Test));
        Assert.Contains("1×32×32; MNIST images are 1×28×28", e.Message, StringComparison.Ordinal);
    }

    private void WriteFake(MnistSplit split, byte[] labels)
    {
        byte[] pixels = new byte[labels.Length * 784];
        for (int i = 0; i < labels.Length; i++)
        {
            pixels[i * 784] = (byte)(i == 1 ? 255 : i);
        }

        IdxWriter.Write(_dir.File(MnistDataset.ImagesFileName(split)), pixels, labels.Length, 28, 28);
        IdxWriter.Write(_dir.File(MnistDataset.LabelsFileName(split)), labels, labels.Length);
    }
}
