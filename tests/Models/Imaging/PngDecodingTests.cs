using FoolingCluster.Models.Imaging;
using FoolingCluster.Tests.Shared;
using Xunit;

namespace FoolingCluster.Models.Tests.Imaging;

/// <summary>Files from the test encoder: every filter type, every 8-bit colour type, split image data.</summary>
public sealed class PngDecodingTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    public static TheoryData<byte, byte> FiltersAndColourTypes()
    {
        var data = new TheoryData<byte, byte>();
        foreach (byte colourType in new byte[] { 0, 2, 4, 6 })
        {
            for (byte filter = 0; filter <= 4; filter++)
            {
                data.Add(filter, colourType);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FiltersAndColourTypes))]
    public void Each_filter_decodes_for_each_colour_type(byte filter, byte colourType)
    {
        const int width = 7;
        const int height = 5;
        int samples = SamplesPerPixel(colourType);
        byte[] data = TestPng.RandomBytes(width * height * samples, seed: (filter * 10) + colourType);

        PngImage image = ReadBuilt(data, width, height, colourType, _ => filter);

        AssertPixels(data, samples, image, width, height);
    }

    [Fact]
    public void Rows_may_each_use_a_different_filter_and_data_may_span_many_idat_chunks()
    {
        const int width = 28;
        const int height = 28;
        byte[] data = TestPng.RandomBytes(width * height * 3, seed: 7);
        byte[] png = TestPng.Build(
            TestPng.Header(width, height, 8, 2),
            TestPng.Filter(data, height, 3, y => (byte)(y % 5)),
            idatSize: 50);
        string path = _dir.File("split.png");
        File.WriteAllBytes(path, png);

        PngImage image = PngReader.Read(path);

        AssertPixels(data, 3, image, width, height);
    }

    [Fact]
    public void Smooth_gradient_with_paeth_decodes()
    {
        // Random data rarely lands on Paeth's tie-breaks; a gradient does constantly.
        const int width = 16;
        const int height = 9;
        byte[] data = new byte[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                data[(y * width) + x] = (byte)((x * 9) + (y * 13));
            }
        }

        PngImage image = ReadBuilt(data, width, height, 0, _ => 4);

        Assert.Equal(data, image.Pixels);
    }

    [Fact]
    public void Ancillary_chunks_and_a_suggested_palette_are_skipped()
    {
        byte[] data = TestPng.RandomBytes(3 * 2 * 3, seed: 9);
        byte[] built = TestPng.Build(TestPng.Header(3, 2, 8, 2), TestPng.Filter(data, 2, 3, _ => 0));
        // Insert a PLTE after IHDR (signature 8 + IHDR 25 bytes): allowed, and meaningless, for RGB.
        byte[] png = [.. built[..33], .. TestPng.Chunk("PLTE", [0, 0, 0, 255, 255, 255]), .. built[33..]];
        string path = _dir.File("plte.png");
        File.WriteAllBytes(path, png);

        Assert.Equal(data, PngReader.Read(path).Pixels);
    }

    private PngImage ReadBuilt(byte[] data, int width, int height, byte colourType, Func<int, byte> filterOfRow)
    {
        int samples = SamplesPerPixel(colourType);
        byte[] png = TestPng.Build(TestPng.Header(width, height, 8, colourType), TestPng.Filter(data, height, samples, filterOfRow));
        string path = _dir.File("built.png");
        File.WriteAllBytes(path, png);
        return PngReader.Read(path);
    }

    private static int SamplesPerPixel(byte colourType) => colourType switch
    {
        0 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(colourType)),
    };

    // Grey+alpha and RGBA come back as grey and RGB: the alpha sample of each pixel is dropped.
    private static void AssertPixels(byte[] data, int samples, PngImage image, int width, int height)
    {
        int channels = samples >= 3 ? 3 : 1;
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.Equal(channels == 3 ? PngColor.Rgb : PngColor.Grey, image.Color);
        byte[] expected = new byte[width * height * channels];
        for (int p = 0; p < width * height; p++)
        {
            Array.Copy(data, p * samples, expected, p * channels, channels);
        }

        Assert.Equal(expected, image.Pixels);
    }
}
