using FoolingCluster.Models.Imaging;
using Xunit;

namespace FoolingCluster.Models.Tests.Imaging;

public sealed class Crc32Tests
{
    [Fact]
    public void Standard_check_value()
    {
        // The catalogue check value for CRC-32/ISO-HDLC, the variant PNG uses.
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
    }

    [Fact]
    public void Iend_chunk_crc_matches_every_png()
    {
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
    }

    [Fact]
    public void Incremental_update_equals_one_pass()
    {
        byte[] data = TestPng.RandomBytes(1000, seed: 1);
        uint register = Crc32.Update(Crc32.Start, data.AsSpan(0, 333));
        register = Crc32.Update(register, data.AsSpan(333));
        Assert.Equal(Crc32.Compute(data), Crc32.Finish(register));
    }
}
