namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// One item of llama-server's <c>/embedding</c> reply: a list of vectors (one, pooled) per input, and our
/// extension <c>tokens_evaluated</c>, which llama-server leaves out.
/// </summary>
internal sealed record EmbeddingResult(int Index, float[][]? Embedding, int? TokensEvaluated);
