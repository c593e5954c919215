namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// The answer of <c>GET /props</c>: llama-server's fields, plus <c>engine_version</c>, <c>synthetic</c> and
/// <c>tokens_per_second</c>, which say whether tokens come from a model and how fast a sim slot runs. llorch-engine
/// sends all of them (<c>tokens_per_second</c> for a sim model only); llama-server sends none of ours.
/// </summary>
internal sealed record PropsResponse(
    DefaultGenerationSettings? DefaultGenerationSettings,
    int? TotalSlots,
    string? ModelPath,
    string? BuildInfo,
    string? EngineVersion,
    bool? Synthetic,
    double? TokensPerSecond);
