using System.Text.Json.Serialization;

namespace LlamaOrch.Engines.LlamaCppProtocol;

/// <summary>The <c>POST /completion</c> body, as llama.cpp's server reads it.</summary>
internal sealed record CompletionRequest(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Prompt,
    int NPredict,
    bool Stream,
    long Seed,
    bool CachePrompt,
    double Temperature,
    int TopK,
    double TopP,
    double MinP,
    double RepeatPenalty,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool LlorchStrict);

/// <summary>One SSE <c>data:</c> frame of a streamed completion; the last one has <c>stop: true</c>.</summary>
internal sealed record CompletionChunk
{
    public string? Content { get; init; }
    public bool Stop { get; init; }
    public int? TokensPredicted { get; init; }
    public int? TokensEvaluated { get; init; }
    public string? StopType { get; init; }
    public CompletionTimings? Timings { get; init; }
    public EngineError? Error { get; init; }
}

internal sealed record CompletionTimings
{
    public double? PromptMs { get; init; }
    public double? PredictedMs { get; init; }
}

/// <summary>llama.cpp's error body: <c>{"error":{"code":400,"message":"...","type":"..."}}</c>.</summary>
internal sealed record EngineErrorBody(EngineError? Error);

internal sealed record EngineError(int? Code, string? Message, string? Type);

/// <summary>The parts of <c>GET /props</c> the orchestrator uses.</summary>
internal sealed record PropsResponse
{
    public GenerationSettings? DefaultGenerationSettings { get; init; }
    public int? TotalSlots { get; init; }
    public string? ModelPath { get; init; }
    public string? BuildInfo { get; init; }
    public string? EngineVersion { get; init; }
}

internal sealed record GenerationSettings
{
    public int? NCtx { get; init; }
}

/// <summary>The <c>POST /tokenize</c> body and reply.</summary>
internal sealed record TokenizeRequest(string Content);

internal sealed record TokenizeResponse(int[]? Tokens);

/// <summary>The <c>POST /embedding</c> body.</summary>
internal sealed record EmbeddingRequest(IReadOnlyList<string> Content);

/// <summary>One item of llama.cpp's <c>/embedding</c> reply (one pooled vector inside the list).</summary>
internal sealed record EmbeddingItem
{
    public int Index { get; init; }
    public float[][]? Embedding { get; init; }
    public int? TokensEvaluated { get; init; }
}

/// <summary>The <c>POST /rerank</c> body (the Jina shape llama-server reads); <c>top_n</c> asks for every score.</summary>
internal sealed record RerankRequest(string Query, IReadOnlyList<string> Documents, int TopN);

/// <summary>llama.cpp's <c>/rerank</c> reply: results best first, each naming its document's index.</summary>
internal sealed record RerankReply(RerankItem[]? Results);

/// <summary><c>tokens_evaluated</c> is llorch-engine's extension; llama-server leaves it out.</summary>
internal sealed record RerankItem
{
    public int Index { get; init; }
    public float? RelevanceScore { get; init; }
    public int? TokensEvaluated { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(CompletionRequest))]
[JsonSerializable(typeof(CompletionChunk))]
[JsonSerializable(typeof(EngineErrorBody))]
[JsonSerializable(typeof(PropsResponse))]
[JsonSerializable(typeof(EmbeddingRequest))]
[JsonSerializable(typeof(EmbeddingItem[]))]
[JsonSerializable(typeof(RerankRequest))]
[JsonSerializable(typeof(RerankReply))]
[JsonSerializable(typeof(TokenizeRequest))]
[JsonSerializable(typeof(TokenizeResponse))]
internal sealed partial class LlamaCppJsonContext : JsonSerializerContext;
