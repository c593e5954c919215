namespace LlamaOrch.Core.Catalog;

/// <summary>
/// A detached signature over a model file's digest string (see <see cref="SignatureAlgorithms"/> for what
/// exactly is signed).
/// </summary>
/// <param name="KeyId">Names the trusted public key that must verify it.</param>
/// <param name="Algorithm">One of <see cref="SignatureAlgorithms"/>.</param>
/// <param name="Value">The signature bytes, base64.</param>
public sealed record ModelSignature(string KeyId, string Algorithm, string Value);
