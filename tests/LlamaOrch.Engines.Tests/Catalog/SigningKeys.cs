using System.Security.Cryptography;

namespace LlamaOrch.Engines.Tests.Catalog;

/// <summary>Key pairs generated once per test class: RSA generation takes long enough to matter per test.</summary>
public sealed class SigningKeys : IDisposable
{
    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public RSA Rsa { get; } = RSA.Create(2048);

    /// <summary>A valid P-256 key that no trusted-keys folder holds.</summary>
    public ECDsa Untrusted { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose()
    {
        Ec.Dispose();
        Rsa.Dispose();
        Untrusted.Dispose();
    }
}
