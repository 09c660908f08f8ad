namespace FoolingCluster.Models.Imaging;

/// <summary>A dashed horizontal line across an <see cref="SvgLineChart"/>, e.g. a target confidence.</summary>
/// <param name="Y">Height in data units; a line outside the chart's y-range is not drawn.</param>
/// <param name="Label">Text written at the line's right end, e.g. "99.99%".</param>
public sealed record SvgReferenceLine(double Y, string Label);
