using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using FoolingCluster.Hosting.Nodes;
using FoolingCluster.Tensors.Serialization;

namespace FoolingCluster.Cli.Commands;

/// <summary>
/// <c>fooling cluster-certificate</c>: makes the certificate a cluster's nodes share for TLS
/// (<c>--tls</c>): self-signed, with its private key, in a PKCS#12 file readable only by its owner.
/// </summary>
internal static class ClusterCertificateCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--out") { Description = "the PKCS#12 file to write, e.g. cluster.pfx; copy it to every machine of the cluster", Required = true };
        var overwrite = new Option<bool>("--overwrite") { Description = "replace an existing --out file" };
        var command = new Command("cluster-certificate", $"Make the certificate every node of a cluster is given with --tls (password: ${ClusterOptions.TlsPasswordVariable}, or none).") { output, overwrite };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(output)!;
            OutputLocation.RequireNewFile(path, "--out", parse.GetValue(overwrite));
            using X509Certificate2 certificate = ClusterTls.Create();
            AtomicFile.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Environment.GetEnvironmentVariable(ClusterOptions.TlsPasswordVariable)));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            parse.InvocationConfiguration.Output.WriteLine($"wrote {path} (SHA-256 {certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256)[..16]}…, valid until {certificate.NotAfter:yyyy-MM-dd}); give every node --tls {path}");
            return FoolingApp.Success;
        });
        return command;
    }
}
