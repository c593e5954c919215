using LlamaOrch.Testing;
using System.Security.Cryptography;
using System.Text;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Telemetry;
using LlamaOrch.Engines.Catalog;
using LlamaOrch.Engines.Models;
using LlamaOrch.Engines.Tests.Models;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Tests.Catalog;

/// <summary>Verification of a real file with real keys, generated here and trusted through PEM files.</summary>
public sealed class ModelVerifierTests : IClassFixture<SigningKeys>, IDisposable
{
    private const string Sbom = """{"bomFormat":"CycloneDX","specVersion":"1.5"}""";
    private static readonly TrustPolicy Strict = new(TrustMode.Strict);
    private static readonly TrustPolicy Permissive = TrustPolicy.Default;

    private readonly TempDirectory _temp = new();
    private readonly ECDsa _ecKey;
    private readonly RSA _rsaKey;
    private readonly ECDsa _untrustedKey;
    private readonly ModelStore _store;
    private readonly RecordingLogger<ModelVerifier> _log = new();
    private readonly RecordingCatalogMetrics _metrics = new();
    private readonly ModelVerifier _verifier;
    private readonly string _modelPath;
    private readonly string _modelRef;
    private readonly string _digest;

    public ModelVerifierTests(SigningKeys keys)
    {
        _ecKey = keys.Ec;
        _rsaKey = keys.Rsa;
        _untrustedKey = keys.Untrusted;
        _modelPath = _temp.Write(TestModels.FakeGguf(64 * 1024), "models", "model.gguf");
        _modelRef = "file:" + _modelPath;
        _digest = "sha256:" + TestModels.Sha256Of(_modelPath);

        _temp.Write(Encoding.ASCII.GetBytes(_ecKey.ExportSubjectPublicKeyInfoPem()), "keys", "ec-release.pem");
        _temp.Write(Encoding.ASCII.GetBytes(_rsaKey.ExportSubjectPublicKeyInfoPem()), "keys", "rsa-backup.pem");
        _temp.Write("not a key, ignored"u8.ToArray(), "keys", "README.txt");

        _store = new ModelStore(new ModelStoreOptions
        {
            CacheDir = _temp.Combine("cache"),
            Offline = true,
            KnownDigests = new Dictionary<string, string>(),
        });
        _verifier = new ModelVerifier(_store, new ModelFileRule(_store.Options, [_temp.Combine("models")]), TrustedKeys.Load(_temp.Combine("keys")), TimeProvider.System, _log, _metrics);
    }

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    private ModelSignature EcSignature(string? digest = null, string keyId = "ec-release", ECDsa? key = null, DSASignatureFormat format = DSASignatureFormat.IeeeP1363FixedFieldConcatenation) =>
        new(keyId, SignatureAlgorithms.EcdsaP256Sha256,
            Convert.ToBase64String((key ?? _ecKey).SignData(Encoding.ASCII.GetBytes(digest ?? _digest), HashAlgorithmName.SHA256, format)));

    private ModelSignature RsaSignature(string? digest = null) =>
        new("rsa-backup", SignatureAlgorithms.RsaPssSha256,
            Convert.ToBase64String(_rsaKey.SignData(Encoding.ASCII.GetBytes(digest ?? _digest), HashAlgorithmName.SHA256, RSASignaturePadding.Pss)));

    private CatalogModel Model(TrustPolicy policy, IReadOnlyList<ModelSignature>? signatures = null, string? sbom = Sbom, string? digest = "", string? sourceUrl = "") =>
        CatalogModels.Entry("model", digest == "" ? _digest : digest, sourceUrl == "" ? _modelRef : sourceUrl, signatures ?? [EcSignature()], sbom, policy);

    private Task<ModelVerification> VerifyAsync(CatalogModel model) => _verifier.VerifyAsync(model, CancellationToken.None);

    [Fact]
    public async Task A_file_with_its_digest_signatures_by_both_key_types_and_an_sbom_is_verified_under_strict()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var result = await VerifyAsync(Model(Strict, [EcSignature(), RsaSignature()]));

        Assert.Equal(VerificationStatus.Verified, result.Status);
        Assert.Empty(result.Problems);
        Assert.Empty(result.Warnings);
        Assert.False(result.DigestMismatch);
        Assert.Equal(_digest, result.ActualDigest);
        Assert.InRange(result.CheckedMs ?? 0, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        Assert.DoesNotContain(_log.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task Each_verdict_is_counted_once_with_a_bounded_reason_the_first_check_that_failed()
    {
        (CatalogModel Model, VerificationStatus Result, string Reason)[] cases =
        [
            (Model(Strict), VerificationStatus.Verified, VerificationReasons.Ok),
            (Model(Permissive, signatures: [], sbom: null), VerificationStatus.Verified, VerificationReasons.TrustGaps),
            (Model(Strict, digest: null), VerificationStatus.Failed, VerificationReasons.DigestMissing),
            (Model(Strict, signatures: []), VerificationStatus.Failed, VerificationReasons.SignatureMissing),
            (Model(Strict, [EcSignature(key: _untrustedKey)]), VerificationStatus.Failed, VerificationReasons.SignatureInvalid),
            (Model(Strict, sbom: null), VerificationStatus.Failed, VerificationReasons.SbomMissing),
            (Model(Strict, sbom: null, digest: "sha256:" + new string('0', 64)), VerificationStatus.Failed, VerificationReasons.DigestMismatch),
            (Model(Strict, sourceUrl: "file:" + _temp.Combine("models", "absent.gguf")), VerificationStatus.Failed, VerificationReasons.FileUnavailable),
        ];

        foreach (var (model, _, _) in cases) await VerifyAsync(model);

        Assert.Equal(cases.Select(c => ("llamacpp", c.Result, c.Reason)), _metrics.Verdicts);
    }

    [Fact]
    public async Task An_ecdsa_signature_in_der_form_as_openssl_writes_it_is_accepted()
    {
        var result = await VerifyAsync(Model(Strict, [EcSignature(format: DSASignatureFormat.Rfc3279DerSequence)]));

        Assert.Equal(VerificationStatus.Verified, result.Status);
    }

    [Fact]
    public async Task The_id_is_the_ref_when_there_is_no_source_url()
    {
        var model = Model(Strict, sourceUrl: null) with { Id = _modelRef };

        var result = await VerifyAsync(model);

        Assert.Equal(VerificationStatus.Verified, result.Status);
        Assert.Equal(_digest, result.ActualDigest);
    }

    [Theory]
    [InlineData(TrustMode.Strict)]
    [InlineData(TrustMode.Permissive)]
    public async Task A_tampered_file_is_a_digest_mismatch_in_every_mode(TrustMode mode)
    {
        var model = Model(new TrustPolicy(mode));
        File.AppendAllText(_modelPath, "tampered");
        var tampered = "sha256:" + TestModels.Sha256Of(_modelPath);

        var result = await VerifyAsync(model);

        Assert.Equal(VerificationStatus.Failed, result.Status);
        Assert.True(result.DigestMismatch);
        Assert.Equal(tampered, result.ActualDigest);
        Assert.Contains(result.Problems, p => p.Contains(tampered, StringComparison.Ordinal) && p.Contains(_digest, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tampered_file_is_refused_by_the_catalog_once_its_verification_is_recorded()
    {
        var catalog = await ModelCatalog.OpenAsync(await SqliteCatalogStore.OpenAsync(_temp.Combine("data"), CancellationToken.None), TimeProvider.System, CancellationToken.None);
        var registered = (await catalog.RegisterAsync(new ModelRegistration("model", _digest, _modelRef, Signatures: [EcSignature()]), CancellationToken.None)).Model!;
        Assert.Null(catalog.AdmissionCheck(_modelRef));
        File.AppendAllText(_modelPath, "tampered");

        await catalog.RecordVerificationAsync("model", await VerifyAsync(registered), CancellationToken.None);

        Assert.Equal("UNTRUSTED_ARTIFACT", catalog.AdmissionCheck(_modelRef)?.Code);
        Assert.Equal("UNTRUSTED_ARTIFACT", catalog.AdmissionCheck("model")?.Code);
    }

    [Fact]
    public async Task A_signature_by_an_unknown_key_fails_strict_and_is_a_logged_warning_under_permissive()
    {
        var signatures = new[] { EcSignature(keyId: "stranger", key: _untrustedKey) };

        var strict = await VerifyAsync(Model(Strict, signatures));
        var permissive = await VerifyAsync(Model(Permissive, signatures));

        Assert.Equal(VerificationStatus.Failed, strict.Status);
        Assert.Contains(strict.Problems, p => p.Contains("'stranger'", StringComparison.Ordinal) && p.Contains("not trusted", StringComparison.Ordinal));
        Assert.Equal(VerificationStatus.Verified, permissive.Status);
        var warning = Assert.Single(permissive.Warnings);
        Assert.Contains("'stranger'", warning, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(warning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_signature_over_another_digest_does_not_verify()
    {
        var other = "sha256:" + new string('0', 64);

        var strict = await VerifyAsync(Model(Strict, [EcSignature(other), RsaSignature()]));
        var requiredSignature = await VerifyAsync(Model(new TrustPolicy(TrustMode.Permissive, RequireSignature: true), [RsaSignature(other)]));

        Assert.Equal(VerificationStatus.Failed, strict.Status);
        var problem = Assert.Single(strict.Problems);
        Assert.Contains("'ec-release'", problem, StringComparison.Ordinal);
        Assert.Contains("does not verify", problem, StringComparison.Ordinal);
        Assert.False(strict.DigestMismatch);
        Assert.Equal(VerificationStatus.Failed, requiredSignature.Status);
        Assert.Contains(requiredSignature.Problems, p => p.Contains("'rsa-backup'", StringComparison.Ordinal) && p.Contains("does not verify", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_signature_whose_algorithm_does_not_fit_its_key_is_a_problem()
    {
        var mislabelled = RsaSignature() with { Algorithm = SignatureAlgorithms.EcdsaP256Sha256 };

        var result = await VerifyAsync(Model(Strict, [mislabelled]));

        Assert.Equal(VerificationStatus.Failed, result.Status);
        Assert.Contains(result.Problems, p => p.Contains("RSA key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_missing_sbom_fails_strict_and_require_sbom_but_is_a_logged_warning_under_permissive()
    {
        var strict = await VerifyAsync(Model(Strict, sbom: null));
        var required = await VerifyAsync(Model(new TrustPolicy(TrustMode.Permissive, RequireSbom: true), sbom: null));
        var permissive = await VerifyAsync(Model(Permissive, sbom: null));

        Assert.Equal(VerificationStatus.Failed, strict.Status);
        Assert.Contains(strict.Problems, p => p.Contains("no SBOM", StringComparison.Ordinal) && p.Contains("strict", StringComparison.Ordinal));
        Assert.Equal(VerificationStatus.Failed, required.Status);
        Assert.Contains(required.Problems, p => p.Contains("require_sbom", StringComparison.Ordinal));
        Assert.Equal(VerificationStatus.Verified, permissive.Status);
        Assert.Equal(_digest, permissive.ActualDigest);
        var warning = Assert.Single(permissive.Warnings);
        Assert.Contains("no SBOM", warning, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains(warning, StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_signature_fails_strict_and_is_a_warning_under_permissive()
    {
        var strict = await VerifyAsync(Model(Strict, signatures: []));
        var permissive = await VerifyAsync(Model(Permissive, signatures: []));

        Assert.Equal(VerificationStatus.Failed, strict.Status);
        Assert.Contains(strict.Problems, p => p.Contains("no signature", StringComparison.Ordinal) && p.Contains(_digest, StringComparison.Ordinal));
        Assert.Equal(VerificationStatus.Verified, permissive.Status);
        Assert.Contains(permissive.Warnings, w => w.Contains("no signature", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_recorded_digest_fails_strict_and_under_permissive_reports_the_digest_found()
    {
        var strict = await VerifyAsync(Model(Strict, digest: null));
        var permissive = await VerifyAsync(Model(Permissive, digest: null));

        Assert.Equal(VerificationStatus.Failed, strict.Status);
        Assert.Contains(strict.Problems, p => p.Contains("no digest recorded", StringComparison.Ordinal));
        Assert.Equal(_digest, strict.ActualDigest);
        Assert.Equal(VerificationStatus.Verified, permissive.Status);
        Assert.Equal(_digest, permissive.ActualDigest);
        Assert.Contains(permissive.Warnings, w => w.Contains("no digest recorded", StringComparison.Ordinal) && w.Contains(_digest, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(TrustMode.Strict)]
    [InlineData(TrustMode.Permissive)]
    public async Task A_missing_file_fails_naming_it(TrustMode mode)
    {
        var missing = _temp.Combine("models", "missing.gguf");

        var result = await VerifyAsync(Model(new TrustPolicy(mode), sourceUrl: "file:" + missing));

        Assert.Equal(VerificationStatus.Failed, result.Status);
        Assert.Null(result.ActualDigest);
        Assert.False(result.DigestMismatch);
        var problem = Assert.Single(result.Problems);
        Assert.Contains(missing, problem, StringComparison.Ordinal);
        Assert.Contains("does not exist", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TrustMode.Strict)]
    [InlineData(TrustMode.Permissive)]
    public async Task A_file_outside_the_model_roots_is_never_hashed(TrustMode mode)
    {
        var outside = _temp.Write(TestModels.FakeGguf(1024), "elsewhere", "other.gguf");
        var link = _temp.Combine("models", "link.gguf");
        File.CreateSymbolicLink(link, outside);

        foreach (var sourceUrl in new[] { "file:" + outside, "file:" + link })
        {
            var result = await VerifyAsync(Model(new TrustPolicy(mode), sourceUrl: sourceUrl));

            Assert.Equal(VerificationStatus.Failed, result.Status);
            Assert.Null(result.ActualDigest);
            var problem = Assert.Single(result.Problems);
            Assert.Contains("is not under the model roots", problem, StringComparison.Ordinal);
            Assert.DoesNotContain(TestModels.Sha256Of(outside), problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_synthetic_ref_has_no_file_and_fails()
    {
        var result = await VerifyAsync(Model(Permissive, sourceUrl: "sim:fast"));

        Assert.Equal(VerificationStatus.Failed, result.Status);
        Assert.Contains(result.Problems, p => p.Contains("no file", StringComparison.Ordinal));
    }

    [Fact]
    public void Trusted_keys_are_named_by_their_files()
    {
        var keys = TrustedKeys.Load(_temp.Combine("keys"));

        Assert.Equal(["ec-release", "rsa-backup"], keys.KeyIds);
        Assert.Equal(TrustedKeyKind.EcdsaP256, keys.KindOf("ec-release"));
        Assert.Equal(TrustedKeyKind.Rsa, keys.KindOf("rsa-backup"));
        Assert.Null(keys.KindOf("README"));
    }

    [Fact]
    public void A_bad_key_file_is_an_error_that_names_it()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var smallRsa = RSA.Create(1024);
        var cases = new Dictionary<string, string>
        {
            ["garbage"] = "this is not PEM",
            ["private"] = _ecKey.ExportPkcs8PrivateKeyPem(),
            ["p384"] = p384.ExportSubjectPublicKeyInfoPem(),
            ["small-rsa"] = smallRsa.ExportSubjectPublicKeyInfoPem(),
            ["bad-body"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        };
        foreach (var (name, content) in cases)
        {
            var folder = _temp.Combine("bad-" + name);
            var file = _temp.Write(Encoding.ASCII.GetBytes(content), "bad-" + name, name + ".pem");

            var error = Assert.Throws<InvalidDataException>(() => TrustedKeys.Load(folder));

            Assert.Contains(file, error.Message, StringComparison.Ordinal);
        }
        Assert.Contains("private key", Assert.Throws<InvalidDataException>(() => TrustedKeys.Load(_temp.Combine("bad-private"))).Message, StringComparison.Ordinal);
        Assert.Contains("P-256", Assert.Throws<InvalidDataException>(() => TrustedKeys.Load(_temp.Combine("bad-p384"))).Message, StringComparison.Ordinal);
        Assert.Contains("2048", Assert.Throws<InvalidDataException>(() => TrustedKeys.Load(_temp.Combine("bad-small-rsa"))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_keys_folder_is_an_error_unless_it_may_be_absent()
    {
        var folder = _temp.Combine("no-such-folder");

        var error = Assert.Throws<DirectoryNotFoundException>(() => TrustedKeys.Load(folder));
        var none = TrustedKeys.Load(folder, mustExist: false);

        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
        Assert.Empty(none.KeyIds);
        var problem = none.Check(EcSignature(), _digest);
        Assert.Contains($"add ec-release.pem to {folder}", problem, StringComparison.Ordinal);
    }
}
