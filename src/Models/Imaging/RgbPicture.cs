namespace FoolingCluster.Models.Imaging;

/// <summary>An 8-bit RGB picture: <paramref name="Pixels"/> is <c>[H,W,3]</c> interleaved, row-major.</summary>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Pixels">Width·Height·3 bytes.</param>
public sealed record RgbPicture(int Width, int Height, byte[] Pixels);
