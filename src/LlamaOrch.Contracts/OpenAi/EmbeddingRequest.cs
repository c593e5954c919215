using System.Text.Json;

namespace LlamaOrch.Contracts.OpenAi;

/// <summary><c>POST /v1/embeddings</c> as it arrives.</summary>
/// <param name="Input">A string or an array of strings.</param>
/// <param name="EncodingFormat"><c>float</c> (the default) or <c>base64</c> (little-endian float32, what the OpenAI SDKs ask for).</param>
public sealed record EmbeddingRequest(string? Model, JsonElement? Input, string? EncodingFormat)
{
    public int? Dimensions { get; init; }
    public string? User { get; init; }

    /// <summary>Extension: <c>interactive</c> or <c>batch</c>, as the <c>X-Priority</c> header.</summary>
    public string? Priority { get; init; }
}

/// <typeparam name="T">A float array, or its base64 text.</typeparam>
public sealed record EmbeddingList<T>(IReadOnlyList<EmbeddingItem<T>> Data, string Model, EmbeddingUsage Usage)
{
    public string Object => "list";
}

public sealed record EmbeddingItem<T>(int Index, T Embedding)
{
    public string Object => "embedding";
}

public sealed record EmbeddingUsage(int PromptTokens, int TotalTokens);
