namespace LlamaOrch.EngineHost.Protocol.Wire;

/// <summary>
/// The answer of <c>GET /props</c>: llama-server's fields, plus <c>engine_version</c>, <c>synthetic</c> and
/// <c>tokens_per_second</c>, which say whether tokens come from a model and how fast a sim slot runs.
/// </summary>
internal sealed record PropsResponse(
    DefaultGenerationSettings DefaultGenerationSettings,
    int TotalSlots,
    string ModelPath,
    string BuildInfo,
    string EngineVersion,
    bool Synthetic,
    double? TokensPerSecond);
