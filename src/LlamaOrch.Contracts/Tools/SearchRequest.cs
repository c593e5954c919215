namespace LlamaOrch.Contracts.Tools;

/// <summary>
/// The body of <c>POST /v1/tools/search</c>: a query for the configured SearXNG-compatible backend.
/// <see cref="Categories"/>, <see cref="Language"/>, <see cref="TimeRange"/> and <see cref="Page"/> pass through
/// as SearXNG's <c>categories</c>, <c>language</c>, <c>time_range</c> and <c>pageno</c>; <see cref="SessionId"/> only labels the audit row.
/// </summary>
public sealed record SearchRequest(
    string? Query,
    int? Limit = null,
    List<string>? Categories = null,
    string? Language = null,
    string? TimeRange = null,
    int? Page = null,
    string? SessionId = null);
