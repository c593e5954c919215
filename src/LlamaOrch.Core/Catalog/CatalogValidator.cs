using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Catalog;

/// <summary>
/// Checks a new entry field by field before anything is written. Field names in the messages are the wire
/// names (<c>source_url</c>, <c>signatures[1].key_id</c>), so a client can find the field it got wrong.
/// Every stored field has a limit (docs/catalog.md): the catalog is held in memory and listed whole per page.
/// </summary>
internal static class CatalogValidator
{
    public const int MaxIdLength = 128;
    public const int MaxTags = 64;
    public const int MaxTagLength = 128;
    public const int MaxSignatures = 16;
    public const int MaxKeyIdLength = 128;

    /// <summary>Base64 characters: 1536 bytes, room for an RSA signature of 12288 bits.</summary>
    public const int MaxSignatureValueLength = 2048;

    public const int MaxSourceUrlLength = 4096;

    /// <summary>UTF-8 bytes of the SBOM's JSON text as stored.</summary>
    public const int MaxSbomBytes = 256 * 1024;

    private const string DigestPrefix = "sha256:";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Validates <paramref name="registration"/>; on success <paramref name="digest"/> is the digest in
    /// its stored form (lower-case hex) or null.</summary>
    public static Rejection? Validate(ModelRegistration registration, out string? digest)
    {
        digest = null;
        if (IdProblem(registration.Id) is { } idProblem) return Rejection.InvalidParams("id", idProblem);

        if (registration.Digest is { } given)
        {
            if (!TryNormalizeDigest(given, out digest))
                return Rejection.InvalidParams("digest", $"'{given}' is not a digest; expected sha256:<64 hex characters>, for example the output of `sha256sum` prefixed with sha256:");
        }

        if (registration.SourceUrl is { } source)
        {
            if (string.IsNullOrWhiteSpace(source) || source.Length > MaxSourceUrlLength || source.Any(char.IsControl) || source.Trim().Length != source.Length)
                return Rejection.InvalidParams("source_url", $"must be a model ref (hf:org/repo/file.gguf, https://…/file.gguf, file:/abs/path.gguf or a path) of at most {MaxSourceUrlLength} characters without surrounding spaces or control characters; omit it to use the id as the ref");
        }

        var tags = registration.Tags ?? [];
        if (tags.Count > MaxTags) return Rejection.InvalidParams("tags", $"{tags.Count} tags; at most {MaxTags} are allowed");
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = tags[i];
            if (string.IsNullOrWhiteSpace(tag) || tag.Length > MaxTagLength || tag.Any(char.IsControl))
                return Rejection.InvalidParams($"tags[{i}]", $"must be 1–{MaxTagLength} characters without control characters");
        }

        var signatures = registration.Signatures ?? [];
        if (signatures.Count > MaxSignatures)
            return Rejection.InvalidParams("signatures", $"{signatures.Count} signatures; at most {MaxSignatures} are allowed");
        for (var i = 0; i < signatures.Count; i++)
        {
            if (SignatureProblem(signatures[i], $"signatures[{i}]") is { } rejection) return rejection;
        }

        if (registration.SbomJson is { } sbom)
        {
            if (Encoding.UTF8.GetByteCount(sbom) is var sbomBytes and > MaxSbomBytes)
                return Rejection.InvalidParams("sbom", $"{sbomBytes} bytes of JSON; at most {MaxSbomBytes} are allowed");
            if (SbomProblem(sbom) is { } sbomProblem) return Rejection.InvalidParams("sbom", sbomProblem);
        }

        if (registration.TrustPolicy is { } policy && !Enum.IsDefined(policy.Mode))
            return Rejection.InvalidParams("trust_policy.mode", "must be strict or permissive");

        return null;
    }

    /// <summary>Accepts hex in either case behind the <c>sha256:</c> prefix and lowers it.</summary>
    public static bool TryNormalizeDigest(string value, out string? digest)
    {
        digest = null;
        if (value.Length != DigestPrefix.Length + 64 || !value.StartsWith(DigestPrefix, StringComparison.Ordinal)) return false;
        var hex = value.AsSpan(DigestPrefix.Length);
        foreach (var c in hex)
        {
            if (!char.IsAsciiHexDigit(c)) return false;
        }
        digest = DigestPrefix + hex.ToString().ToLowerInvariant();
        return true;
    }

    private static string? IdProblem(string? id)
    {
        if (string.IsNullOrEmpty(id)) return "is required";
        if (id.Length > MaxIdLength) return $"is {id.Length} characters long; at most {MaxIdLength} are allowed";
        // URLs normalise these segments away (/v1/catalog/models/.. is /v1/catalog), so the entry could never be reached.
        if (id is "." or "..") return $"'{id}' is not allowed: '.' and '..' are path segments that URLs remove, so the entry could not be reached";
        foreach (var c in id)
        {
            if (!IsIdChar(c)) return $"'{id}' contains '{c}'; only letters, digits and . _ : - are allowed (no '/': the id is one URL path segment)";
        }
        return null;
    }

    private static Rejection? SignatureProblem(ModelSignature? signature, string field)
    {
        if (signature is null) return Rejection.InvalidParams(field, "must be an object with key_id, algorithm and value");

        // The key id names a file (<key_id>.pem) in the trusted-keys folder, so it is kept to file-name characters.
        var keyId = signature.KeyId;
        if (string.IsNullOrEmpty(keyId) || keyId.Length > MaxKeyIdLength || keyId[0] == '.' || !keyId.All(IsKeyIdChar))
            return Rejection.InvalidParams($"{field}.key_id", $"must be 1–{MaxKeyIdLength} letters, digits, '.', '_' or '-' (not starting with '.'): the name of a trusted key file without .pem");

        if (!SignatureAlgorithms.IsKnown(signature.Algorithm))
            return Rejection.InvalidParams($"{field}.algorithm", $"'{signature.Algorithm}' is not supported; use {string.Join(" or ", SignatureAlgorithms.All)}");

        if (string.IsNullOrEmpty(signature.Value) || signature.Value.Length > MaxSignatureValueLength || !Base64.IsValid(signature.Value, out var length) || length == 0)
            return Rejection.InvalidParams($"{field}.value", $"must be the signature bytes in base64, at most {MaxSignatureValueLength} characters");

        return null;
    }

    private static string? SbomProblem(string json)
    {
        const string NotAnObject = "must be a JSON object (the SBOM document itself, for example CycloneDX or SPDX JSON)";
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return NotAnObject;
            // The parser takes an escape such as "\ud800" (a lone surrogate), but such an entry could never be written
            // out again: every GET of it, and every list page holding it, would fail. So every text is decoded here.
            CheckText(document.RootElement);
            return null;
        }
        catch (JsonException)
        {
            return NotAnObject;
        }
        catch (Exception error) when (error is InvalidOperationException or EncoderFallbackException)
        {
            // JsonElement throws the first for a string whose escapes make a lone surrogate; the encoder the second.
            return "a string has no UTF-8 form: it holds a lone UTF-16 surrogate (an escape such as \\ud800 without its pair)";
        }
    }

    /// <exception cref="InvalidOperationException">A string or member name whose escapes make a lone surrogate.</exception>
    /// <exception cref="EncoderFallbackException">The same, found when encoding.</exception>
    private static void CheckText(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var member in value.EnumerateObject())
                {
                    StrictUtf8.GetByteCount(member.Name);
                    CheckText(member.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in value.EnumerateArray()) CheckText(item);
                break;
            case JsonValueKind.String:
                StrictUtf8.GetByteCount(value.GetString()!);
                break;
        }
    }

    private static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';

    private static bool IsKeyIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';
}
