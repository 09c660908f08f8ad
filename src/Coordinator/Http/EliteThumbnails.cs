using System.Runtime.CompilerServices;
using FoolingCluster.Evolution.Genomes;
using FoolingCluster.Models.Imaging;
using FoolingCluster.Runs.Reporting;

namespace FoolingCluster.Coordinator.Http;

/// <summary>
/// Small copies of the elites for <c>GET /api/elites/{cell}.png?size=N</c>: drawn from the elite's
/// PNG on first request and kept as long as that elite's view is, so a page of 1,000 thumbnails
/// costs one shrink per elite and size, and a replaced elite's copies go with it.
/// </summary>
internal static class EliteThumbnails
{
    /// <summary>Smallest and largest thumbnail side a request may ask for.</summary>
    public const int MinSize = 8, MaxSize = 256;

    private static readonly ConditionalWeakTable<EliteView, Dictionary<int, byte[]>> s_made = [];

    /// <summary>The PNG of <paramref name="elite"/> with its longer side at most <paramref name="size"/> (the image itself when already that small).</summary>
    /// <param name="elite">The elite.</param>
    /// <param name="size">Longest side, in [<see cref="MinSize"/>, <see cref="MaxSize"/>].</param>
    public static byte[] Png(EliteView elite, int size)
    {
        ArgumentNullException.ThrowIfNull(elite);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, MinSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, MaxSize);
        Dictionary<int, byte[]> made = s_made.GetValue(elite, _ => []);
        lock (made)
        {
            if (!made.TryGetValue(size, out byte[]? png))
            {
                PngImage image = PngReader.Decode(elite.Png, $"the elite of cell {elite.Cell}");
                png = Thumbnail.Png(image.ToFloat(), new ImageShape(image.Channels, image.Height, image.Width), size);
                made[size] = png;
            }

            return png;
        }
    }
}
