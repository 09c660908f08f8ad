using FoolingCluster.Models.Imaging;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Models.Tests.Imaging;

public sealed class PngRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(1, 1, PngColor.Grey)]
    [InlineData(7, 3, PngColor.Grey)]
    [InlineData(28, 28, PngColor.Grey)]
    [InlineData(1, 1, PngColor.Rgb)]
    [InlineData(7, 3, PngColor.Rgb)]
    [InlineData(28, 28, PngColor.Rgb)]
    public void Written_pixels_read_back_unchanged(int width, int height, PngColor color)
    {
        int channels = color == PngColor.Rgb ? 3 : 1;
        byte[] pixels = TestPng.RandomBytes(width * height * channels, seed: width + height);
        string path = _dir.File("image.png");

        PngWriter.Write(path, pixels, width, height, color);
        PngImage image = PngReader.Read(path);

        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.Equal(color, image.Color);
        Assert.Equal(channels, image.Channels);
        Assert.Equal(pixels, image.Pixels);
    }

    [Fact]
    public void Encode_gives_the_bytes_write_saves()
    {
        byte[] pixels = TestPng.RandomBytes(5 * 4 * 3, seed: 2);
        string path = _dir.File("image.png");

        PngWriter.Write(path, pixels, 5, 4, PngColor.Rgb);

        Assert.Equal(PngWriter.Encode(pixels, 5, 4, PngColor.Rgb), File.ReadAllBytes(path));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, File.ReadAllBytes(path)[..8]);
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Write_replaces_an_existing_file()
    {
        string path = _dir.File("image.png");
        File.WriteAllText(path, "old contents");

        PngWriter.Write(path, [1, 2, 3, 4], 2, 2, PngColor.Grey);

        Assert.Equal(new byte[] { 1, 2, 3, 4 }, PngReader.Read(path).Pixels);
        Assert.Single(Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void Float_rgb_image_is_quantised_and_read_back_as_planes()
    {
        // [3,2,2]: plane R, plane G, plane B, with values needing rounding and clamping.
        float[] image =
        [
            0f, 0.5f, 1f, 1.5f,
            -0.2f, 0.25f, 0.75f, 0.001f,
            0.9999f, 0.002f, 0.5019608f, 0.3f,
        ];
        string path = _dir.File("float.png");

        PngWriter.WriteFloat(path, image, channels: 3, height: 2, width: 2);
        PngImage png = PngReader.Read(path);

        Assert.Equal(PngColor.Rgb, png.Color);
        // Pixel (0,1) interleaved: R = 0.5 → 128, G = 0.25 → 64, B = 0.002 → 1.
        Assert.Equal(new byte[] { 128, 64, 1 }, png.Pixels[3..6]);
        float[] expected = (float[])image.Clone();
        PixelQuantizer.Quantize(expected);
        Assert.Equal(expected, png.ToFloat());
    }

    [Fact]
    public void Float_grey_image_round_trips_through_its_quantisation()
    {
        float[] image = new float[28 * 28];
        var random = new Random(3);
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = random.NextSingle();
        }

        string path = _dir.File("digit.png");
        PngWriter.WriteFloat(path, image, channels: 1, height: 28, width: 28);
        float[] read = PngReader.Read(path).ToFloat();

        PixelQuantizer.Quantize(image);
        Assert.Equal(image, read);
    }

    [Fact]
    public void Wrong_pixel_count_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => PngWriter.Encode(new byte[11], 2, 2, PngColor.Rgb));
        Assert.Throws<ArgumentException>(() => PngWriter.WriteFloat(_dir.File("x.png"), new float[4], channels: 2, height: 1, width: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => PngWriter.Encode([], 0, 1, PngColor.Grey));
    }
}
