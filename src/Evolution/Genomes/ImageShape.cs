namespace FoolingCluster.Evolution.Genomes;

/// <summary>The <c>[C,H,W]</c> shape of the images a genome decodes to.</summary>
/// <param name="Channels">1 (grey) or 3 (RGB).</param>
/// <param name="Height">Rows.</param>
/// <param name="Width">Columns.</param>
public readonly record struct ImageShape(int Channels, int Height, int Width)
{
    /// <summary>MNIST: one grey channel, 28 x 28.</summary>
    public static ImageShape Mnist => new(1, 28, 28);

    /// <summary>Values per image, C·H·W.</summary>
    public int Size => Channels * Height * Width;

    /// <summary>Pixels per channel, H·W.</summary>
    public int Pixels => Height * Width;

    /// <summary>Throws unless the shape is 1 or 3 channels of positive size.</summary>
    public void Validate()
    {
        if (Channels is not (1 or 3) || Height < 1 || Width < 1)
        {
            throw new ArgumentException($"an image shape needs 1 or 3 channels and a positive size (got [{Channels},{Height},{Width}])");
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"[{Channels},{Height},{Width}]";
}
