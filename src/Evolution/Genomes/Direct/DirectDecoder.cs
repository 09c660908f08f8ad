namespace FoolingCluster.Evolution.Genomes.Direct;

/// <summary>Grey genes are the image; colour genes are H,S,V planes converted to RGB.</summary>
public sealed class DirectDecoder(ImageShape shape) : IGenomeDecoder<DirectGenome>
{
    /// <inheritdoc/>
    public ImageShape Shape => shape;

    /// <inheritdoc/>
    public void Render(IReadOnlyList<DirectGenome> genomes, Span<float> images)
    {
        ArgumentNullException.ThrowIfNull(genomes);
        int size = shape.Size;
        for (int n = 0; n < genomes.Count; n++)
        {
            DirectGenome genome = genomes[n];
            if (genome.Shape != shape)
            {
                throw new ArgumentException($"genome {n} describes {genome.Shape} images; this decoder draws {shape}", nameof(genomes));
            }

            Span<float> image = images.Slice(n * size, size);
            if (shape.Channels == 1)
            {
                genome.Genes.CopyTo(image);
            }
            else
            {
                HsvToRgb.Convert(genome.Genes, image);
            }
        }
    }
}
