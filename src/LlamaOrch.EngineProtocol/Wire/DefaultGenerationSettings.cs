namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The per-slot context and the defaults a completion gets for the fields it leaves out.</summary>
internal sealed record DefaultGenerationSettings(int? NCtx, GenerationParams? Params);
