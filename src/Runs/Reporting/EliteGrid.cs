using FoolingCluster.Evolution.Archive;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Imaging;

namespace FoolingCluster.Runs.Reporting;

/// <summary>
/// <c>elites.png</c>: the elites as one captioned picture. Up to <see cref="AllUpTo"/> filled
/// cells it shows every one in cell order, as it always has for MNIST's ten; beyond that (an
/// ImageNet model's 1,000) it shows the <see cref="Extremes"/> most and least confident, best
/// first, so the picture stays a sensible size: the report lists every cell.
/// </summary>
public static class EliteGrid
{
    /// <summary>Most cells drawn all together.</summary>
    public const int AllUpTo = 100;

    /// <summary>Cells drawn from each end of the confidence order when there are more than <see cref="AllUpTo"/>.</summary>
    public const int Extremes = 25;

    /// <summary>Longest side of a tile's image in pixels; larger images are shrunk, smaller ones enlarged by whole pixels.</summary>
    private const int TileSide = 112;

    /// <summary>Longest caption in characters: longer class names are cut so tiles stay narrow.</summary>
    private const int CaptionChars = 14;

    /// <summary>Whether the grid shows only the most and least confident cells.</summary>
    public static bool ShowsExtremesOnly(int filled) => filled > AllUpTo;

    /// <summary>The elites the grid shows, in the order it shows them.</summary>
    public static IReadOnlyList<(Elite<TGenome> Elite, float[] Image)> Chosen<TGenome>(IReadOnlyList<(Elite<TGenome> Elite, float[] Image)> elites)
    {
        ArgumentNullException.ThrowIfNull(elites);
        if (!ShowsExtremesOnly(elites.Count))
        {
            return elites;
        }

        var ranked = elites.OrderByDescending(e => e.Elite.Confidence).ThenBy(e => e.Elite.Cell).ToArray();
        return ranked.Take(Extremes).Concat(ranked.Skip(ranked.Length - Extremes)).ToArray();
    }

    /// <summary>The picture: one tile per chosen cell with its label and confidence under it.</summary>
    public static RgbPicture Compose<TGenome>(IReadOnlyList<(Elite<TGenome> Elite, float[] Image)> elites, ImageShape shape, ClassLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        IReadOnlyList<(Elite<TGenome> Elite, float[] Image)> chosen = Chosen(elites);
        GridTile[] tiles = chosen
            .Select(e =>
            {
                (float[] image, int h, int w) = Thumbnail.Shrink(e.Image, shape.Channels, shape.Height, shape.Width, TileSide);
                return new GridTile(image, shape.Channels, h, w, Cut(labels.Caption(e.Elite.Cell)), ConfidenceText.Percent(e.Elite.Confidence));
            })
            .ToArray();
        int side = Math.Min(TileSide, Math.Max(shape.Height, shape.Width));
        // Many tiles get ten to a row and small captions, so the picture fits a page's width.
        bool few = chosen.Count <= 10;
        return ImageGrid.Compose(tiles, columns: few ? 5 : 10, scale: Math.Max(1, TileSide / side), textScale: few ? 2 : 1);
    }

    private static string Cut(string caption) => caption.Length <= CaptionChars ? caption : caption[..(CaptionChars - 2)] + "..";
}
