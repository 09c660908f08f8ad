namespace FoolingCluster.Models.Imaging;

/// <summary>Undoes PNG's per-row filters (None, Sub, Up, Average, Paeth) for 8-bit samples.</summary>
internal static class PngFilters
{
    /// <summary>
    /// Reconstructs <paramref name="row"/> in place. <paramref name="previous"/> is the row above,
    /// already reconstructed, or empty for the first row (which the format treats as zeros).
    /// <paramref name="bytesPerPixel"/> is the distance to the "left" byte.
    /// </summary>
    /// <returns>False when <paramref name="filter"/> is not one of the five types.</returns>
    public static bool Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int bytesPerPixel)
    {
        bool hasPrevious = !previous.IsEmpty;
        switch (filter)
        {
            case 0:
                return true;
            case 1:
                for (int i = bytesPerPixel; i < row.Length; i++)
                {
                    row[i] += row[i - bytesPerPixel];
                }

                return true;
            case 2:
                if (hasPrevious)
                {
                    for (int i = 0; i < row.Length; i++)
                    {
                        row[i] += previous[i];
                    }
                }

                return true;
            case 3:
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
                    int up = hasPrevious ? previous[i] : 0;
                    row[i] += (byte)((left + up) >> 1);
                }

                return true;
            case 4:
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
                    int up = hasPrevious ? previous[i] : 0;
                    int upLeft = hasPrevious && i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
                    row[i] += (byte)Paeth(left, up, upLeft);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>The predictor of filter type 4: whichever neighbour is closest to left + up − upLeft, ties to left, then up.</summary>
    private static int Paeth(int left, int up, int upLeft)
    {
        int estimate = left + up - upLeft;
        int toLeft = Math.Abs(estimate - left);
        int toUp = Math.Abs(estimate - up);
        int toUpLeft = Math.Abs(estimate - upLeft);
        if (toLeft <= toUp && toLeft <= toUpLeft)
        {
            return left;
        }

        return toUp <= toUpLeft ? up : upLeft;
    }
}
