using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Data;
using FoolingCluster.Runs;

namespace FoolingCluster.Defense.Retraining;

/// <summary>
/// Fooling images chosen from one search for the fooling class: the most confident ones, taken
/// class by class in turn so that every digit they fool is represented, then split into the part
/// that goes into training and the part held out to test the next network.
/// </summary>
/// <param name="Train">8-bit images <c>[n,C,H,W]</c> for training.</param>
/// <param name="HeldOut">8-bit images kept out of training.</param>
/// <param name="Shape">Shape of one image.</param>
/// <param name="Available">Distinct images the search recorded at or above the confidence floor.</param>
public sealed record FoolingSet(byte[] Train, byte[] HeldOut, ImageShape Shape, int Available)
{
    /// <summary>File of the training part in a network's folder.</summary>
    public const string TrainFile = "fooling-train-images.idx";

    /// <summary>File of the held-out part.</summary>
    public const string HeldOutFile = "fooling-heldout-images.idx";

    /// <summary>Images in the training part.</summary>
    public int TrainCount => Train.Length / Shape.Size;

    /// <summary>Images held out.</summary>
    public int HeldOutCount => HeldOut.Length / Shape.Size;

    /// <summary>Chooses up to <paramref name="count"/> images from a search's recorded images.</summary>
    /// <param name="found">The search's distinct recorded images.</param>
    /// <param name="shape">Shape of one image.</param>
    /// <param name="count">Images wanted.</param>
    /// <param name="minConfidence">Only images at or above this confidence count.</param>
    /// <param name="heldOutFraction">Every how-manieth image is held out: a fraction of the chosen ones.</param>
    public static FoolingSet Choose(IReadOnlyList<FoundImage> found, ImageShape shape, int count, float minConfidence, double heldOutFraction)
    {
        ArgumentNullException.ThrowIfNull(found);
        Queue<FoundImage>[] byClass = [.. found
            .Where(f => f.Confidence >= minConfidence)
            .GroupBy(f => f.Label)
            .OrderBy(g => g.Key)
            .Select(g => new Queue<FoundImage>(g.OrderByDescending(f => f.Confidence).ThenBy(f => f.Generation)))];
        int available = byClass.Sum(q => q.Count);
        var chosen = new List<FoundImage>();
        while (chosen.Count < count && byClass.Any(q => q.Count > 0))
        {
            foreach (Queue<FoundImage> queue in byClass)
            {
                if (chosen.Count < count && queue.Count > 0)
                {
                    chosen.Add(queue.Dequeue());
                }
            }
        }

        int every = heldOutFraction > 0 ? Math.Max(2, (int)Math.Round(1 / heldOutFraction)) : int.MaxValue;
        var train = new List<byte>();
        var heldOut = new List<byte>();
        for (int i = 0; i < chosen.Count; i++)
        {
            (i % every == every - 1 ? heldOut : train).AddRange(chosen[i].Pixels);
        }

        return new FoolingSet([.. train], [.. heldOut], shape, available);
    }

    /// <summary>Writes both parts into <paramref name="folder"/> as idx files of unsigned bytes.</summary>
    public void Save(string folder)
    {
        IdxWriter.Write(Path.Combine(folder, TrainFile), Train, Dimensions(TrainCount));
        IdxWriter.Write(Path.Combine(folder, HeldOutFile), HeldOut, Dimensions(HeldOutCount));
    }

    /// <summary>Reads the parts <see cref="Save"/> wrote.</summary>
    /// <exception cref="FoolingCluster.Tensors.InvalidInputException">A file is missing or not an idx file of bytes of this shape.</exception>
    public static FoolingSet Load(string folder, ImageShape shape)
    {
        byte[] Read(string name)
        {
            string path = Path.Combine(folder, name);
            IdxArray array = IdxReader.Read(path);
            if (array.Bytes is null || array.Bytes.Length % shape.Size != 0)
            {
                throw new FoolingCluster.Tensors.InvalidInputException($"{path}: expected unsigned-byte images of {shape}");
            }

            return array.Bytes;
        }

        return new FoolingSet(Read(TrainFile), Read(HeldOutFile), shape, 0);
    }

    /// <summary>The images as values in [0,1], <c>[n·C·H·W]</c>.</summary>
    public static float[] ToUnit(byte[] pixels) => [.. pixels.Select(p => p / 255f)];

    private int[] Dimensions(int n) => Shape.Channels == 1 ? [n, Shape.Height, Shape.Width] : [n, Shape.Channels, Shape.Height, Shape.Width];
}
