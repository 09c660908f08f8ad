using System.Security.Cryptography;

namespace FoolingCluster.Protocol;

/// <summary>The sha256 that names a model file.</summary>
public static class ContentHash
{
    /// <summary>Lower-case hex sha256 of the file at <paramref name="path"/>.</summary>
    public static string OfFile(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
