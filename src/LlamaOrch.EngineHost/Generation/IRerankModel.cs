namespace LlamaOrch.EngineHost.Generation;

/// <summary>A model that can also score documents against a query with a classification head.</summary>
internal interface IRerankModel
{
    /// <summary>True when the engine was started with <c>--reranking</c> on a model that has a classification head.</summary>
    bool CanRerank { get; }

    /// <summary>How relevant <paramref name="document"/> is to <paramref name="query"/> (higher is more), and the tokens the pair took; throws ArgumentException when the pair is too long.</summary>
    (float Score, int Tokens) Rerank(string query, string document);
}
