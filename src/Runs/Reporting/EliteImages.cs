using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Imaging;

namespace FoolingCluster.Runs.Reporting;

/// <summary>Draws the archive's elites exactly as they were evaluated (decoded, then rounded to 8 bits).</summary>
public static class EliteImages
{
    /// <summary>One image per filled cell, <c>[C,H,W]</c> each, in cell order, with its elite.</summary>
    public static IReadOnlyList<(Elite<TGenome> Elite, float[] Image)> Render<TGenome>(EliteArchive<TGenome> archive, IGenomeDecoder<TGenome> decoder)
    {
        ArgumentNullException.ThrowIfNull(archive);
        return Render(archive.Elites, decoder);
    }

    /// <summary>One image per elite of <paramref name="elites"/>, <c>[C,H,W]</c> each, in their order.</summary>
    public static IReadOnlyList<(Elite<TGenome> Elite, float[] Image)> Render<TGenome>(IReadOnlyList<Elite<TGenome>> elites, IGenomeDecoder<TGenome> decoder)
    {
        ArgumentNullException.ThrowIfNull(elites);
        ArgumentNullException.ThrowIfNull(decoder);
        int size = decoder.Shape.Size;
        var all = new float[elites.Count * size];
        decoder.Render(elites.Select(e => e.Genome).ToArray(), all);
        PixelQuantizer.Quantize(all);
        return elites.Select((e, i) => (e, all.AsSpan(i * size, size).ToArray())).ToArray();
    }
}
