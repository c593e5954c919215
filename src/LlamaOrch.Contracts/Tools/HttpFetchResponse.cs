namespace LlamaOrch.Contracts.Tools;

/// <summary>
/// What the target answered (after any redirects the fetcher followed): <see cref="Body"/> is text when the
/// bytes are UTF-8, otherwise <see cref="BodyBase64"/>; <see cref="Truncated"/> when the response passed the size limit.
/// </summary>
public sealed record HttpFetchResponse(
    int Status,
    string Url,
    Dictionary<string, string> Headers,
    string? Body,
    string? BodyBase64,
    bool Truncated,
    long Bytes,
    string ResolvedAddress,
    int Redirects);
