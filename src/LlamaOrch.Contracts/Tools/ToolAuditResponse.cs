namespace LlamaOrch.Contracts.Tools;

/// <summary>One tool call as the audit log holds it; the URL's secrets are already redacted.</summary>
public sealed record ToolAuditEntry(
    long Id,
    DateTimeOffset Time,
    string? CorrelationId,
    string? SessionId,
    string Tool,
    string? Method,
    string? Url,
    string? ResolvedAddress,
    string Decision,
    string Rule,
    int? Status,
    long BytesOut,
    long BytesIn);

/// <summary>A page of <c>GET /v1/tools/audit</c>, newest first; pass <see cref="NextCursor"/> as <c>cursor</c> for the next page.</summary>
public sealed record ToolAuditResponse(IReadOnlyList<ToolAuditEntry> Entries, long? NextCursor);
