namespace FoolingCluster.Evolution.Genomes.Direct;

/// <summary>
/// Direct encoding (Nguyen et al. 2015 §2.2): one gene per pixel value, grey for one channel,
/// hue, saturation and value planes for three. Immutable.
/// </summary>
public sealed class DirectGenome
{
    private readonly float[] _genes;

    /// <summary>Wraps <paramref name="genes"/> (taken, not copied).</summary>
    /// <param name="shape">Image shape the genes describe.</param>
    /// <param name="genes"><c>[C,H,W]</c>, each in [0,1].</param>
    public DirectGenome(ImageShape shape, float[] genes)
    {
        ArgumentNullException.ThrowIfNull(genes);
        shape.Validate();
        if (genes.Length != shape.Size)
        {
            throw new ArgumentException($"a direct genome for {shape} needs {shape.Size} genes (got {genes.Length})", nameof(genes));
        }

        Shape = shape;
        _genes = genes;
    }

    /// <summary>Image shape the genes describe.</summary>
    public ImageShape Shape { get; }

    /// <summary>Genes, <c>[C,H,W]</c>, each in [0,1].</summary>
    public ReadOnlySpan<float> Genes => _genes;
}
