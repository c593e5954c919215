namespace LlamaOrch.EngineHost.Protocol.Wire;

/// <summary>The body of <c>POST /tokenize</c>.</summary>
internal sealed class TokenizeRequest
{
    public string? Content { get; init; }
}
