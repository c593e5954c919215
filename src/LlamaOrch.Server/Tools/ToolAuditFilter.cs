namespace LlamaOrch.Server.Tools;

/// <summary>What <c>GET /v1/tools/audit</c> selects by; a null field selects everything.</summary>
internal sealed record ToolAuditFilter(string? Decision, string? Session, string? Tool, string? Door, DateTimeOffset? Since);
