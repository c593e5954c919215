namespace LlamaOrch.Contracts.Tools;

/// <summary>
/// One tool call as the audit log holds it; the URL's secrets are already redacted. <see cref="Door"/> is the way
/// the call came in (<c>http</c>, <c>mcp</c>); <see cref="Reason"/> why it was refused or failed, secrets masked.
/// </summary>
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
    long BytesIn,
    string? Door = null,
    string? Reason = null);

/// <summary>A page of <c>GET /v1/tools/audit</c>, newest first; pass <see cref="NextCursor"/> as <c>cursor</c> for the next page.</summary>
public sealed record ToolAuditResponse(IReadOnlyList<ToolAuditEntry> Entries, long? NextCursor);
