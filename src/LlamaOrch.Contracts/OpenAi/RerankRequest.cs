namespace LlamaOrch.Contracts.OpenAi;

/// <summary><c>POST /v1/rerank</c> in the shape llama-server and Jina use.</summary>
public sealed record RerankRequest(string? Model, string? Query, List<string>? Documents)
{
    public int? TopN { get; init; }
    public bool? ReturnDocuments { get; init; }

    /// <summary>Extension: <c>interactive</c> or <c>batch</c>, as the <c>X-Priority</c> header.</summary>
    public string? Priority { get; init; }
}

/// <param name="Results">Most relevant first.</param>
public sealed record RerankResponse(string Model, IReadOnlyList<RerankResult> Results, EmbeddingUsage Usage)
{
    public string Object => "list";
}

/// <param name="Document">Only with <c>return_documents</c>.</param>
public sealed record RerankResult(int Index, double RelevanceScore, RerankDocument? Document);

public sealed record RerankDocument(string Text);
