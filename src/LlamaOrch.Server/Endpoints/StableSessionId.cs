using System.Security.Cryptography;
using System.Text;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// A client's session key (OpenAI's <c>user</c>, Anthropic's <c>metadata.user_id</c>, the doors' <c>X-Session-Id</c>) as a task's session id: a uuid is kept as it is; anything else (an email, a hash, a
/// user name) becomes the name-based uuid (RFC 9562 version 5, SHA-1) of its UTF-8 bytes in the namespace
/// <see cref="Namespace"/>, so the same key is always the same session and nothing else needs to be stored.
/// </summary>
internal static class StableSessionId
{
    /// <summary>The namespace of llama-orch's session keys (a fixed random uuid; documented in docs/openai-anthropic.md).</summary>
    public static readonly Guid Namespace = new("5b0c1f6e-8a1d-4c6b-9e0f-6f1e2d3c4b5a");

    /// <summary>Anthropic caps <c>metadata.user_id</c> at 256 characters; the doors give every session key the same limit.</summary>
    public const int MaxKeyChars = 256;

    public static string Of(string key)
    {
        if (Guid.TryParse(key, out var uuid)) return uuid.ToString("D");
        var name = Encoding.UTF8.GetBytes(key);
        var input = new byte[16 + name.Length];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        name.CopyTo(input, 16);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input, hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }
}
