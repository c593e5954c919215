namespace LlamaOrch.Contracts.Tools;

/// <summary>
/// What the target answered (after any redirects the fetcher followed): <see cref="Body"/> is text when the
/// bytes are UTF-8, otherwise <see cref="BodyBase64"/>; <see cref="Truncated"/> when the response passed the size limit;
/// <see cref="RedactionsOut"/> and <see cref="RedactionsIn"/> count the secrets masked in the request and in this answer.
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
    int Redirects,
    int RedactionsOut,
    int RedactionsIn);
