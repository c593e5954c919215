using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineHost.Hosting;
using LlamaOrch.EngineProtocol.Gguf;
using LlamaOrch.LlamaCpp;

namespace LlamaOrch.EngineHost.Inference;

/// <summary>A GGUF model served by llama.cpp in this process, one sequence per slot, batched continuously.</summary>
internal sealed class LlamaEngineModel : IEngineModel, IEmbeddingModel, IRerankModel, IDisposable
{
    private readonly LlamaModel _model;
    private readonly LlamaContext _context;
    private readonly BatchScheduler _scheduler;
    private readonly Embedder? _embedder;
    private readonly Reranker? _reranker;

    private LlamaEngineModel(string modelRef, LlamaModel model, LlamaContext context, Embedder? embedder, Reranker? reranker)
    {
        _embedder = embedder;
        _reranker = reranker;
        ModelRef = modelRef;
        _model = model;
        _context = context;
        _scheduler = new BatchScheduler(model, context);
        var backend = LlamaBackend.DeviceCount > 1 ? "GPU+CPU" : "CPU";
        EngineVersion = $"llorch-engine/{EngineBuild.Version} llama.cpp/{LlamaBuild.Version} ({backend})";
        BuildInfo = $"llama.cpp {LlamaBuild.Version} ({LlamaBuild.LoadedFrom}); {LlamaBackend.SystemInfo.Trim()}";
    }

    public string ModelRef { get; }
    public string EngineVersion { get; }
    public string BuildInfo { get; }
    public bool IsSynthetic => false;
    public double? TokensPerSecond => null;
    public int ContextPerSlot => _context.ContextPerSequence;

    public (long Used, long Total)? KvCacheCells() =>
        (_scheduler.CachedTokens(), (long)_context.ContextPerSequence * _context.Sequences);

    /// <summary>Loads <paramref name="path"/> and makes a context of slots × context-per-slot tokens, as <paramref name="options"/> say.</summary>
    public static LlamaEngineModel Load(EngineOptions options, string path)
    {
        var (slots, contextPerSlot, threads) = (options.Slots, options.ContextPerSlot, options.Threads);
        LlamaBackend.EnsureInitialized(options.LibraryDirectory);
        // Our reader names exactly what is wrong with a bad file; llama.cpp only says that loading failed.
        var file = GgufReader.Read(path);
        // llama.cpp would rank-pool a model without a head too, and report a hidden-state value as the score.
        if (options.Reranking && !file.Tensors.Any(t => t.Name is "cls.weight" or "cls.output.weight"))
        {
            throw new InvalidOperationException(
                $"{path} has no classification head (cls.weight or cls.output.weight), so it cannot rerank; --reranking needs a reranking model");
        }
        var model = LlamaModel.Load(path, gpuLayers: options.GpuLayers);
        LlamaContext? context = null;
        Embedder? embedder = null;
        try
        {
            context = new LlamaContext(model, contextPerSlot, slots, threads, flashAttention: options.FlashAttention);
            embedder = options.Embedding ? new Embedder(model, contextPerSlot, threads, options.Pooling) : null;
            var reranker = options.Reranking ? new Reranker(model, contextPerSlot, threads) : null;
            return new LlamaEngineModel(options.ModelRef, model, context, embedder, reranker);
        }
        catch
        {
            embedder?.Dispose();
            context?.Dispose();
            model.Dispose();
            throw;
        }
    }

    public bool CanEmbed => _embedder is not null;

    public (float[] Vector, int Tokens) Embed(string text) =>
        (_embedder ?? throw new InvalidOperationException("started without --embedding")).Embed(text);

    public bool CanRerank => _reranker is not null;

    public (float Score, int Tokens) Rerank(string query, string document) =>
        (_reranker ?? throw new InvalidOperationException("started without --reranking")).Score(query, document);

    public EnginePrompt ReadPrompt(string text)
    {
        var tokens = Encode(text);
        return new EnginePrompt(text, tokens.Length, tokens);
    }

    public void Tokenize(ReadOnlySpan<char> text, bool addSpecial, List<int> tokens) =>
        tokens.AddRange(addSpecial ? Encode(text.ToString()) : _model.Tokenize(text.ToString(), addSpecial: false, parseSpecial: true));

    public string? GrammarError(string grammar) =>
        SamplerChain.IsValidGrammar(_model, grammar)
            ? null
            : "the grammar failed to parse: check its GBNF syntax, that every rule it uses is defined, and that it has a rule named root";

    public async ValueTask<ITokenSequence> StartSequenceAsync(
        int slotId,
        EnginePrompt prompt,
        SamplingParameters sampling,
        int tokenLimit,
        bool reuseCachedPrefix,
        CancellationToken cancellationToken)
    {
        var settings = new SamplerSettings(
            (float)sampling.Temperature, sampling.TopK, (float)sampling.TopP, (float)sampling.MinP,
            (float)sampling.RepeatPenalty, Seed: unchecked((uint)sampling.Seed), Grammar: sampling.Grammar);
        var sequence = new LlamaSequence(slotId, prompt.Tokens ?? Encode(prompt.Text), new SamplerChain(_model, settings), tokenLimit, sampling.Strict,
            reuseCachedPrefix && !sampling.Strict, _scheduler);
        _scheduler.Join(sequence);
        try
        {
            await sequence.PromptEvaluated.Task.WaitAsync(cancellationToken);
        }
        catch
        {
            sequence.Dispose();
            throw;
        }
        return sequence;
    }

    public ValueTask<int> EraseSlotAsync(int slotId, CancellationToken cancellationToken) =>
        new(_scheduler.EraseAsync(slotId).WaitAsync(cancellationToken));

    /// <summary>
    /// The prompt's tokens with the model's BOS; an empty prompt is BOS alone (the beginning of sequence). Special-token
    /// text is parsed into those tokens, as llama-server does: a chat template's markers (<c>&lt;|im_start|&gt;</c>,
    /// <c>&lt;|eot_id|&gt;</c>) must reach the model as the control tokens it was trained on, not as their characters.
    /// </summary>
    private int[] Encode(string text)
    {
        var tokens = _model.Tokenize(text, parseSpecial: true);
        return tokens.Length > 0 ? tokens : [_model.Bos];
    }

    public void Dispose()
    {
        _embedder?.Dispose();
        _reranker?.Dispose();
        // A decode step still running after the wait keeps its context and model: freeing them under it would crash the
        // engine's exit, and the process is ending, so the system takes the memory back.
        if (!_scheduler.Stop()) return;
        _context.Dispose();
        _model.Dispose();
    }
}
