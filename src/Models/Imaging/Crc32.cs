namespace FoolingCluster.Models.Imaging;

/// <summary>
/// The CRC-32 that PNG chunks carry (ISO 3309, polynomial 0xEDB88320 reflected), table-driven.
/// Written here because System.IO.Hashing is not among the project's packages.
/// </summary>
public static class Crc32
{
    private static readonly uint[] _table = BuildTable();

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Update(Start, data));

    /// <summary>The register value before any byte is fed in.</summary>
    public const uint Start = 0xFFFFFFFFu;

    /// <summary>Feeds <paramref name="data"/> into a running register, so a chunk's type and data can be hashed without copying them together.</summary>
    public static uint Update(uint register, ReadOnlySpan<byte> data)
    {
        uint[] table = _table;
        foreach (byte b in data)
        {
            register = table[(register ^ b) & 0xFF] ^ (register >> 8);
        }

        return register;
    }

    /// <summary>The CRC from a register that has seen all the bytes.</summary>
    public static uint Finish(uint register) => register ^ 0xFFFFFFFFu;

    private static uint[] BuildTable()
    {
        uint[] table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
