namespace LlamaOrch.Core.Policy;

/// <summary>The configuration of <see cref="ConfiguredToolPolicy"/> and of the fetcher's limits (Orchestrator:Tools:Http).</summary>
public sealed record ToolPolicyOptions
{
    /// <summary>Hosts a tool may reach (<c>example.com</c>, <c>*.example.com</c>, <c>127.0.0.1:8080</c>); empty: any host not denied.</summary>
    public IReadOnlyList<string> AllowHosts { get; init; } = [];

    /// <summary>Hosts never reached, checked before <see cref="AllowHosts"/>.</summary>
    public IReadOnlyList<string> DenyHosts { get; init; } = [];

    public IReadOnlyList<string> Schemes { get; init; } = ["http", "https"];

    public IReadOnlyList<int> Ports { get; init; } = [80, 443];

    public int MaxResponseBytes { get; init; } = 1024 * 1024;

    public int TimeoutMs { get; init; } = 10_000;

    public int MaxRedirects { get; init; } = 5;

    /// <summary>Regexes of secrets to mask, on top of <see cref="SecretRedactor"/>'s built-in token formats.</summary>
    public IReadOnlyList<string> RedactPatterns { get; init; } = [];

    /// <summary>Mask secrets in the request's headers and body before they are sent.</summary>
    public bool RedactOutgoing { get; init; } = true;

    /// <summary>Mask secrets in the response's headers and text body before they are returned.</summary>
    public bool RedactIncoming { get; init; } = true;
}
