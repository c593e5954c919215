namespace LlamaOrch.Server.Tools;

/// <summary>Who asks for a tool call, for its audit row: the door it came through (<see cref="Http"/> or <see cref="Mcp"/>), the correlation id and the session.</summary>
internal sealed record ToolCaller(string Door, string? CorrelationId, string? SessionId)
{
    public const string Http = "http";
    public const string Mcp = "mcp";
}
