using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineHost.Hosting;
using LlamaOrch.EngineProtocol.Simulation;

namespace LlamaOrch.EngineHost.Simulation;

/// <summary>
/// The synthetic model: no weights, no inference, seed-deterministic words at a fixed pace per slot. It is the
/// upstream for measuring the orchestrator's own overhead, and it says what it is wherever the engine describes
/// itself.
/// </summary>
internal sealed class SimModel(SimModelRef modelRef, TimeProvider time) : IEngineModel, IDisposable
{
    private readonly SimVocabulary _vocabulary = new();

    public string ModelRef => modelRef.Ref;

    public string EngineVersion { get; } = $"llorch-engine/{EngineBuild.Version} sim (synthetic tokens)";

    public string BuildInfo { get; } =
        $"llorch-engine {EngineBuild.Version} sim: synthetic tokens from a word list, no inference";

    public bool IsSynthetic => true;

    public double? TokensPerSecond => modelRef.TokensPerSecond;

    public (long Used, long Total)? KvCacheCells() => null;

    /// <summary>Sim tokens are made from the text as the sequence runs, so only the count is taken here.</summary>
    public EnginePrompt ReadPrompt(string text) => new(text, SimVocabulary.CountTokens(text), Tokens: null);

    /// <summary>The synthetic vocabulary has no special tokens: <paramref name="addSpecial"/> adds nothing.</summary>
    public void Tokenize(ReadOnlySpan<char> text, bool addSpecial, List<int> tokens) => _vocabulary.Tokenize(text, tokens);

    /// <summary>Sim words come from a word list, not from logits, so there is nothing a grammar could mask.</summary>
    public string? GrammarError(string grammar) =>
        $"grammar is not supported by the synthetic model {modelRef.Ref}: its tokens come from a word list, not from " +
        "a sampler that a grammar could constrain; use a GGUF model";

    public ValueTask<ITokenSequence> StartSequenceAsync(
        int slotId,
        EnginePrompt prompt,
        SamplingParameters sampling,
        int tokenLimit,
        bool reuseCachedPrefix,
        CancellationToken cancellationToken)
    {
        // Evaluating a sim prompt costs nothing, so pacing starts now.
        var pacer = new TokenPacer(modelRef.TokensPerSecond, time.GetTimestamp(), time.TimestampFrequency);
        return ValueTask.FromResult<ITokenSequence>(
            new SimTokenSequence(_vocabulary, prompt.Text, sampling.Seed, pacer, time));
    }

    /// <summary>A synthetic slot caches nothing, so there is nothing to erase.</summary>
    public ValueTask<int> EraseSlotAsync(int slotId, CancellationToken cancellationToken) => ValueTask.FromResult(0);

    /// <summary>Nothing native to free.</summary>
    public void Dispose()
    {
    }
}
