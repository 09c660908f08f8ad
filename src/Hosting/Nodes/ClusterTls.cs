using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Remote.Hosting;
using FoolingCluster.Tensors;

namespace FoolingCluster.Hosting.Nodes;

/// <summary>
/// TLS between the cluster's nodes with one shared certificate: every connection is encrypted,
/// both ends present the certificate (mutual authentication), and each accepts the other only
/// if it presents exactly the cluster's certificate (pinned by its SHA-256 hash), so no
/// certificate authority is needed and a node without the file cannot join.
/// </summary>
public static class ClusterTls
{
    /// <summary>Akka's TLS options for <paramref name="certificate"/>.</summary>
    public static SslOptions Options(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        byte[] pinned = certificate.GetCertHash(HashAlgorithmName.SHA256);
        return new SslOptions
        {
            X509Certificate = certificate,
            SuppressValidation = false,
            RequireMutualAuthentication = true,
            ValidateCertificateHostname = false,
            CustomValidator = (peer, _, _, _, _) => peer is not null && CryptographicOperations.FixedTimeEquals(peer.GetCertHash(HashAlgorithmName.SHA256), pinned),
        };
    }

    /// <summary>A new self-signed certificate for a cluster, valid for <paramref name="days"/> days.</summary>
    public static X509Certificate2 Create(int days = 3650)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=fooling cluster", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(days));
    }

    /// <summary>Reads the cluster's certificate and private key from a PKCS#12 file.</summary>
    /// <exception cref="InvalidInputException">The file is missing, not PKCS#12, has no private key, or the password is wrong.</exception>
    public static X509Certificate2 Load(string path, string? password, string option = "--tls")
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new InvalidInputException($"{option}: no certificate file at {path} (make one with: ./fooling cluster-certificate --out {path})");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidInputException($"{option}: {path} is not a PKCS#12 certificate file this password opens ({ex.Message})");
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidInputException($"{option}: {path} holds no private key; every node needs the certificate with its key");
        }

        return certificate;
    }
}
