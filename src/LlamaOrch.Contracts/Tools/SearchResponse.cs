namespace LlamaOrch.Contracts.Tools;

/// <summary>
/// The backend's results, at most <c>limit</c> of them (<see cref="Truncated"/> when it had more); secrets masked.
/// <see cref="RedactionsOut"/> and <see cref="RedactionsIn"/> count the secrets masked in the query sent and in these results.
/// </summary>
public sealed record SearchResponse(
    string Query,
    IReadOnlyList<SearchResult> Results,
    bool Truncated,
    int RedactionsOut,
    int RedactionsIn);

/// <summary>One result; <see cref="Url"/> is data, never fetched by orchestratord. <see cref="Snippet"/> is SearXNG's <c>content</c>.</summary>
public sealed record SearchResult(
    string Title,
    string Url,
    string Snippet,
    string? Engine,
    double? Score);
