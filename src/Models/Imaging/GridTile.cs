namespace FoolingCluster.Models.Imaging;

/// <summary>One image in an <see cref="ImageGrid"/>, with the caption lines drawn under it.</summary>
/// <param name="Image">The image, planar <c>[C,H,W]</c>, values in [0,1].</param>
/// <param name="Channels">C: 1 for grey, 3 for RGB.</param>
/// <param name="Height">H in pixels.</param>
/// <param name="Width">W in pixels.</param>
/// <param name="Caption">First caption line, e.g. "class 3".</param>
/// <param name="SecondCaption">Optional second line, e.g. "99.99%".</param>
public sealed record GridTile(float[] Image, int Channels, int Height, int Width, string Caption, string? SecondCaption = null);
