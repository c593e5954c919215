using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>An https:// upstream is checked against the machine's roots, or against the CA file the upstream names.</summary>
public sealed class TlsUpstreamTests
{
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=llorch test upstream", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
    }

    [Fact]
    public async Task A_server_certificate_is_trusted_only_through_the_configured_CA_file()
    {
        using var certificate = SelfSigned();
        await using var standIn = await OpenAiStandIn.StartAsync(certificate);
        Assert.Equal("https", standIn.Url.Scheme);
        var caFile = Path.GetTempFileName();
        await File.WriteAllTextAsync(caFile, certificate.ExportCertificatePem());
        try
        {
            var untrusted = new UpstreamConfig(standIn.Url, UpstreamProtocol.OpenAi);
            using (var http = UpstreamHttp.Create(untrusted, slots: 1))
                Assert.False(await UpstreamEngines.For(untrusted, http, http).IsHealthyAsync(CancellationToken.None));

            var trusted = untrusted with { CaFile = caFile };
            using (var http = UpstreamHttp.Create(trusted, slots: 1))
                Assert.True(await UpstreamEngines.For(trusted, http, http).IsHealthyAsync(CancellationToken.None));
        }
        finally
        {
            File.Delete(caFile);
        }
    }
}
