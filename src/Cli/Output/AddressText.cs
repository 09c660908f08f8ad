namespace FoolingCluster.Cli.Output;

/// <summary>Addresses as they may appear in logs.</summary>
internal static class AddressText
{
    /// <summary>The address without its password.</summary>
    public static string Redacted(Uri uri) => new UriBuilder(uri) { Password = string.Empty }.Uri.ToString();
}
