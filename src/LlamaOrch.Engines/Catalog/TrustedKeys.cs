using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using LlamaOrch.Core.Catalog;

namespace LlamaOrch.Engines.Catalog;

/// <summary>
/// The public keys that catalog signatures are checked against, loaded from a folder where each
/// <c>&lt;key_id&gt;.pem</c> holds one PEM <c>PUBLIC KEY</c> (SubjectPublicKeyInfo): EC P-256 or RSA ≥ 2048 bits.
/// Keys are kept as their encoded bytes and imported per check, so one instance is safe to share between
/// concurrent verifications.
/// </summary>
public sealed class TrustedKeys
{
    public const string FileExtension = ".pem";
    private const int MinRsaBits = 2048;
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string P256Oid = "1.2.840.10045.3.1.7";

    private readonly FrozenDictionary<string, Key> _keys;

    private TrustedKeys(FrozenDictionary<string, Key> keys, string? directory)
    {
        _keys = keys;
        Directory = directory;
    }

    /// <summary>No trusted keys: every signature is by an unknown key.</summary>
    public static TrustedKeys Empty { get; } = new(FrozenDictionary<string, Key>.Empty, null);

    /// <summary>The folder the keys came from; null for <see cref="Empty"/>.</summary>
    public string? Directory { get; }

    /// <summary>The key ids, ordered.</summary>
    public IReadOnlyList<string> KeyIds => _keys.Keys.Order(StringComparer.Ordinal).ToArray();

    /// <summary>Loads every <c>*.pem</c> file of <paramref name="directory"/>; other files are ignored.</summary>
    /// <param name="mustExist">When false, a missing folder is an empty set of keys (a default location that
    /// the operator never created); when true it is an error (a configured location with a typo).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist and <paramref name="mustExist"/>.</exception>
    /// <exception cref="InvalidDataException">A file is not a usable public key; the message names it.</exception>
    public static TrustedKeys Load(string directory, bool mustExist = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            if (!mustExist) return new TrustedKeys(FrozenDictionary<string, Key>.Empty, full);
            throw new DirectoryNotFoundException($"The trusted keys folder {full} does not exist; create it and put one <key_id>.pem public key per signer in it.");
        }

        var keys = new Dictionary<string, Key>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(full, "*" + FileExtension).Order(StringComparer.Ordinal))
        {
            var keyId = Path.GetFileNameWithoutExtension(file);
            // The pattern also matches "*.pem.bak" on some platforms; only exact <key_id>.pem files count.
            if (!file.EndsWith(FileExtension, StringComparison.Ordinal) || keyId.Length == 0) continue;
            keys[keyId] = ReadKey(file);
        }
        return new TrustedKeys(keys.ToFrozenDictionary(StringComparer.Ordinal), full);
    }

    public bool Contains(string keyId) => _keys.ContainsKey(keyId);

    public TrustedKeyKind? KindOf(string keyId) => _keys.TryGetValue(keyId, out var key) ? key.Kind : null;

    /// <summary>
    /// Checks <paramref name="signature"/> over the ASCII bytes of <paramref name="digest"/>
    /// (<c>sha256:&lt;64 lower-case hex&gt;</c>).
    /// </summary>
    /// <returns>Null when the signature verifies; otherwise why not, as a sentence for the operator.</returns>
    public string? Check(ModelSignature signature, string digest)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(digest);
        var where = Directory is null ? "no trusted keys folder is configured" : $"add {signature.KeyId}{FileExtension} to {Directory}";
        if (!_keys.TryGetValue(signature.KeyId, out var key))
            return $"signature by key '{signature.KeyId}' cannot be checked: the key is not trusted ({where})";

        byte[] value;
        try
        {
            value = Convert.FromBase64String(signature.Value);
        }
        catch (FormatException)
        {
            return $"signature by key '{signature.KeyId}' is not valid base64";
        }

        var message = Encoding.ASCII.GetBytes(digest);
        switch (signature.Algorithm)
        {
            case SignatureAlgorithms.EcdsaP256Sha256 when key.Kind == TrustedKeyKind.EcdsaP256:
                return VerifyEcdsa(key.SubjectPublicKeyInfo, message, value)
                    ? null
                    : $"signature by key '{signature.KeyId}' ({signature.Algorithm}) does not verify against {digest}";
            case SignatureAlgorithms.RsaPssSha256 when key.Kind == TrustedKeyKind.Rsa:
                return VerifyRsaPss(key.SubjectPublicKeyInfo, message, value)
                    ? null
                    : $"signature by key '{signature.KeyId}' ({signature.Algorithm}) does not verify against {digest}";
            case SignatureAlgorithms.EcdsaP256Sha256 or SignatureAlgorithms.RsaPssSha256:
                return $"signature by key '{signature.KeyId}' says {signature.Algorithm}, but that key is {Describe(key.Kind)}";
            default:
                return $"signature by key '{signature.KeyId}' uses the unsupported algorithm '{signature.Algorithm}'";
        }
    }

    private static bool VerifyEcdsa(byte[] spki, byte[] message, byte[] signature)
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(spki, out _);
        // P1363 (r||s, 64 bytes) is the documented form; DER is what `openssl dgst -sign` writes, so it is
        // accepted too. A 64-byte value that fails as P1363 is also tried as DER, the rare DER of that length.
        if (signature.Length == 64 && ecdsa.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            return true;
        return signature.Length > 0 && signature[0] == 0x30
            && ecdsa.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static bool VerifyRsaPss(byte[] spki, byte[] message, byte[] signature)
    {
        using var rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(spki, out _);
        // RSASignaturePadding.Pss means MGF1 with the same hash and a salt as long as the hash (32 bytes).
        return rsa.VerifyData(message, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }

    private static Key ReadKey(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"Trusted key file {file} cannot be read: {e.Message}", e);
        }

        if (!PemEncoding.TryFind(text, out var fields))
            throw Bad(file, "it holds no PEM block; expected -----BEGIN PUBLIC KEY-----");
        var label = text[fields.Label];
        if (label != "PUBLIC KEY")
        {
            var hint = label.Contains("PRIVATE", StringComparison.Ordinal)
                ? " It is a private key: never put one here; export the public half, for example with `openssl pkey -in key.pem -pubout`."
                : label == "RSA PUBLIC KEY" ? " Convert it with `openssl rsa -RSAPublicKey_in -in key.pem -pubout`." : "";
            throw Bad(file, $"its PEM block is '{label}', expected 'PUBLIC KEY' (SubjectPublicKeyInfo).{hint}");
        }

        byte[] spki;
        try
        {
            spki = Convert.FromBase64String(text[fields.Base64Data]);
        }
        catch (FormatException)
        {
            throw Bad(file, "its PEM body is not valid base64");
        }

        PublicKey publicKey;
        try
        {
            publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(spki, out var read);
            if (read != spki.Length) throw Bad(file, "its PEM body has bytes after the public key");
        }
        catch (CryptographicException e)
        {
            throw Bad(file, $"its PEM body is not a SubjectPublicKeyInfo: {e.Message}");
        }

        switch (publicKey.Oid.Value)
        {
            case EcPublicKeyOid:
                using (var ecdsa = publicKey.GetECDsaPublicKey() ?? throw Bad(file, "its EC key cannot be read"))
                {
                    var curve = ecdsa.ExportParameters(false).Curve;
                    if (!curve.IsNamed || curve.Oid.Value != P256Oid)
                        throw Bad(file, $"its EC key is on curve {curve.Oid.FriendlyName ?? curve.Oid.Value ?? "(unnamed)"}; only P-256 (prime256v1) is supported");
                }
                return new Key(TrustedKeyKind.EcdsaP256, spki);
            case RsaOid:
                using (var rsa = publicKey.GetRSAPublicKey() ?? throw Bad(file, "its RSA key cannot be read"))
                {
                    if (rsa.KeySize < MinRsaBits)
                        throw Bad(file, $"its RSA key has {rsa.KeySize} bits; at least {MinRsaBits} are required");
                }
                return new Key(TrustedKeyKind.Rsa, spki);
            default:
                throw Bad(file, $"its key algorithm {publicKey.Oid.FriendlyName ?? publicKey.Oid.Value} is not supported; use an EC P-256 or RSA key");
        }
    }

    private static InvalidDataException Bad(string file, string problem) =>
        new($"Trusted key file {file} is not usable: {problem}");

    private static string Describe(TrustedKeyKind kind) => kind switch
    {
        TrustedKeyKind.EcdsaP256 => $"an EC P-256 key (use {SignatureAlgorithms.EcdsaP256Sha256})",
        _ => $"an RSA key (use {SignatureAlgorithms.RsaPssSha256})",
    };

    private sealed record Key(TrustedKeyKind Kind, byte[] SubjectPublicKeyInfo);
}
