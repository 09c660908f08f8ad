namespace FoolingCluster.Models.Imaging;

/// <summary>The pixel layouts this project writes and reads back: 8 bits per channel, no alpha.</summary>
public enum PngColor
{
    /// <summary>One byte per pixel; pixels are <c>[H,W]</c>.</summary>
    Grey,

    /// <summary>Three bytes per pixel, interleaved; pixels are <c>[H,W,3]</c>.</summary>
    Rgb,
}
