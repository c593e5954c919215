namespace LlamaOrch.Engines.OpenAiProtocol;

/// <summary>The body of <c>POST /v1/embeddings</c>.</summary>
internal sealed record OpenAiEmbeddingRequest(string Model, IReadOnlyList<string> Input);

/// <summary>Its reply: one vector per input, each with the input's index.</summary>
internal sealed record OpenAiEmbeddingResponse(IReadOnlyList<OpenAiEmbeddingItem>? Data, OpenAiUsage? Usage);

internal sealed record OpenAiEmbeddingItem(int Index, float[]? Embedding);
