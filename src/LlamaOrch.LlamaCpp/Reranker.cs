using System.Text.RegularExpressions;
using LlamaOrch.LlamaCpp.Native;

namespace LlamaOrch.LlamaCpp;

/// <summary>
/// Scores documents against a query with a reranking model's classification head, from a rank-pooled context of its
/// own beside the generation context (both share the loaded weights). The pair is laid out as llama-server lays it
/// out: the model's "rerank" template when it has one, else BOS, query, EOS/SEP as the vocabulary asks, document.
/// One pair at a time, each from an empty cache, so a document's score never depends on what else is scored with it.
/// </summary>
internal sealed partial class Reranker : IDisposable
{
    private readonly LlamaModel _model;
    private readonly LlamaContext _context;
    private readonly string? _template;
    private readonly object _gate = new();

    public Reranker(LlamaModel model, int maxTokens, int threads)
    {
        _model = model;
        _template = model.Template("rerank");
        _context = new LlamaContext(model, maxTokens, sequences: 1, threads, batchSize: maxTokens, embeddingPooling: LlamaPoolingType.Rank);
        MaxTokens = maxTokens;
    }

    public int MaxTokens { get; }

    /// <summary>
    /// The relevance of <paramref name="document"/> to <paramref name="query"/>: the head's first output (for a Qwen3-style
    /// reranker the probability of "yes", for a BERT-style cross-encoder a logit), and the tokens the pair took.
    /// </summary>
    public (float Score, int Tokens) Score(string query, string document)
    {
        var tokens = PairTokens(query, document);
        if (tokens.Length > MaxTokens)
            throw new ArgumentException($"query and document take {tokens.Length} tokens, more than the context of {MaxTokens}");
        lock (_gate) return (_context.PoolAlone(tokens, _model.ClassifierOutputs)[0], tokens.Length);
    }

    private int[] PairTokens(string query, string document)
    {
        if (_template is not null)
        {
            // One pass, so a query that happens to contain "{document}" stays as written.
            var text = Placeholder().Replace(_template, match => match.Value == "{query}" ? query : document);
            return _model.Tokenize(text, addSpecial: false, parseSpecial: true);
        }

        var tokens = new List<int>();
        var end = _model.Eos >= 0 ? _model.Eos : _model.Sep;
        if (_model.AddsBos) tokens.Add(_model.Bos);
        tokens.AddRange(_model.Tokenize(query, addSpecial: false));
        if (_model.AddsEos) tokens.Add(end);
        if (_model.AddsSep) tokens.Add(_model.Sep);
        tokens.AddRange(_model.Tokenize(document, addSpecial: false));
        if (_model.AddsEos) tokens.Add(end);
        return [.. tokens];
    }

    public void Dispose() => _context.Dispose();

    [GeneratedRegex(@"\{query\}|\{document\}")]
    private static partial Regex Placeholder();
}
