namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// One result of <see cref="RerankResponse"/>; <c>tokens_evaluated</c> (the tokens its query/document pair took) is
/// llorch-engine's extension, which llama-server leaves out.
/// </summary>
internal sealed record RerankResult(int Index, float? RelevanceScore, int? TokensEvaluated);
