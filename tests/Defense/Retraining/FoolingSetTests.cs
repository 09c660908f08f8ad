using FoolingCluster.Defense.Retraining;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Runs;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Defense.Tests.Retraining;

/// <summary>Choosing a round's fooling images: the most confident first, class by class in turn, a fixed share held out.</summary>
public class FoolingSetTests
{
    private static readonly ImageShape s_shape = new(1, 2, 2);

    [Fact]
    public void Images_are_taken_class_by_class_most_confident_first_and_every_tenth_is_held_out()
    {
        // Class 0 has many images, class 1 three, class 2 only images under the floor.
        var found = new List<FoundImage>();
        for (int i = 0; i < 30; i++)
        {
            found.Add(Image(0, 0.99f + (i * 0.0003f), (byte)i));
        }

        found.Add(Image(1, 0.995f, 100));
        found.Add(Image(1, 0.999f, 101));
        found.Add(Image(1, 0.9999f, 102));
        found.Add(Image(2, 0.5f, 200));

        FoolingSet set = FoolingSet.Choose(found, s_shape, count: 20, minConfidence: 0.99f, heldOutFraction: 0.1);

        Assert.Equal(33, set.Available);
        Assert.Equal(18, set.TrainCount);
        Assert.Equal(2, set.HeldOutCount);
        byte[] firsts = [.. set.Train.Chunk(4).Select(p => p[0])];

        // Turns alternate 0, 1, 0, 1, 0, 1 (class 1 most confident first), then class 0 alone; no class-2 image.
        Assert.Equal([29, 102, 28, 101, 27], firsts[..5]);
        Assert.Contains((byte)100, set.HeldOut.Concat(set.Train));
        Assert.DoesNotContain((byte)200, set.Train.Concat(set.HeldOut));
    }

    [Fact]
    public void Saved_sets_read_back_equal()
    {
        using var dir = new TempDirectory();
        FoolingSet set = FoolingSet.Choose([Image(3, 1f, 7), Image(4, 1f, 9), Image(5, 1f, 11)], s_shape, 3, 0.5f, 0.5);
        set.Save(dir.Path);

        FoolingSet read = FoolingSet.Load(dir.Path, s_shape);

        Assert.Equal(set.Train, read.Train);
        Assert.Equal(set.HeldOut, read.HeldOut);
        Assert.Equal(1, read.HeldOutCount);
    }

    private static FoundImage Image(int label, float confidence, byte first) => new(label, confidence, 1, [first, 1, 2, 3]);
}
