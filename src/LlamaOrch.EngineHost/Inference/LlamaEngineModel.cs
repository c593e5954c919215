using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineHost.Hosting;
using LlamaOrch.Engines.Gguf;
using LlamaOrch.LlamaCpp;

namespace LlamaOrch.EngineHost.Inference;

/// <summary>A GGUF model served by llama.cpp in this process, one sequence per slot, batched continuously.</summary>
internal sealed class LlamaEngineModel : IEngineModel, IEmbeddingModel, IDisposable
{
    private readonly LlamaModel _model;
    private readonly LlamaContext _context;
    private readonly BatchScheduler _scheduler;
    private readonly Embedder? _embedder;

    private LlamaEngineModel(string modelRef, LlamaModel model, LlamaContext context, Embedder? embedder)
    {
        _embedder = embedder;
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

    /// <summary>Loads <paramref name="path"/> and makes a context of <paramref name="contextPerSlot"/> × <paramref name="slots"/> tokens.</summary>
    public static LlamaEngineModel Load(string modelRef, string path, int slots, int contextPerSlot, int threads, string? libraryDirectory, bool embedding = false, int gpuLayers = -1)
    {
        LlamaBackend.EnsureInitialized(libraryDirectory);
        // Our reader names exactly what is wrong with a bad file; llama.cpp only says that loading failed.
        GgufReader.Read(path);
        var model = LlamaModel.Load(path, gpuLayers: gpuLayers);
        LlamaContext? context = null;
        try
        {
            context = new LlamaContext(model, contextPerSlot, slots, threads);
            var embedder = embedding ? new Embedder(model, contextPerSlot, threads) : null;
            return new LlamaEngineModel(modelRef, model, context, embedder);
        }
        catch
        {
            context?.Dispose();
            model.Dispose();
            throw;
        }
    }

    public bool CanEmbed => _embedder is not null;

    public (float[] Vector, int Tokens) Embed(string text) =>
        (_embedder ?? throw new InvalidOperationException("started without --embedding")).Embed(text);

    public int CountTokens(ReadOnlySpan<char> text) => Encode(text.ToString()).Length;

    public void Tokenize(ReadOnlySpan<char> text, List<int> tokens) => tokens.AddRange(Encode(text.ToString()));

    public async ValueTask<ITokenSequence> StartSequenceAsync(
        int slotId,
        string prompt,
        SamplingParameters sampling,
        int tokenLimit,
        CancellationToken cancellationToken)
    {
        var settings = new SamplerSettings(
            (float)sampling.Temperature, sampling.TopK, (float)sampling.TopP, (float)sampling.MinP,
            (float)sampling.RepeatPenalty, Seed: unchecked((uint)sampling.Seed));
        var sequence = new LlamaSequence(slotId, Encode(prompt), new SamplerChain(_model, settings), tokenLimit, sampling.Strict, _scheduler);
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

    /// <summary>The prompt's tokens with the model's BOS; an empty prompt is BOS alone (the beginning of sequence).</summary>
    private int[] Encode(string text)
    {
        var tokens = _model.Tokenize(text);
        return tokens.Length > 0 ? tokens : [_model.Bos];
    }

    public void Dispose()
    {
        _embedder?.Dispose();
        _scheduler.Dispose();
        _context.Dispose();
        _model.Dispose();
    }
}
