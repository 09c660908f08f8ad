namespace FoolingCluster.Models.Imaging;

/// <summary>Axis ticks at "nice" values: steps of 1, 2 or 5 times a power of ten.</summary>
internal static class SvgTicks
{
    /// <summary>
    /// Roughly <paramref name="target"/> tick values within [<paramref name="min"/>, <paramref name="max"/>],
    /// and the decimals needed to print them distinctly.
    /// </summary>
    public static (double[] Values, int Decimals) Compute(double min, double max, int target)
    {
        double rough = (max - min) / target;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double normalised = rough / magnitude;
        double step = magnitude * normalised switch
        {
            < 1.5 => 1,
            < 3 => 2,
            < 7 => 5,
            _ => 10,
        };

        double first = Math.Ceiling(min / step) * step;
        var values = new List<double>();
        // Index-based, not repeated addition, so rounding does not drift; the tolerance keeps an
        // end tick that lands a hair outside the range through floating-point error.
        for (int i = 0; first + (i * step) <= max + (step * 1e-9); i++)
        {
            double value = first + (i * step);
            values.Add(Math.Abs(value) < step * 1e-9 ? 0 : value);
        }

        int decimals = Math.Max(0, -(int)Math.Floor(Math.Log10(step) + 1e-9));
        return ([.. values], decimals);
    }
}
