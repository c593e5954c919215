namespace LlamaOrch.Contracts.Tools;

/// <summary>The body of <c>POST /v1/tools/http/fetch</c>; <see cref="SessionId"/> only labels the audit row.</summary>
public sealed record HttpFetchRequest(
    string? Method,
    string? Url,
    Dictionary<string, string>? Headers = null,
    string? Body = null,
    string? SessionId = null);
