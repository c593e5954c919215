namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The answer of <c>GET /health</c> once the model is loaded.</summary>
internal sealed record HealthResponse(string Status)
{
    public static HealthResponse Ok { get; } = new("ok");
}
