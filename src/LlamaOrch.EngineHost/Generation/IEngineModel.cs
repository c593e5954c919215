namespace LlamaOrch.EngineHost.Generation;

/// <summary>
/// A loaded model as the slots see it: a tokenizer and a source of token sequences. The synthetic model is one
/// implementation; llama.cpp inference plugs in as another.
/// </summary>
internal interface IEngineModel
{
    /// <summary>The ref the engine was started with, reported as the model path.</summary>
    string ModelRef { get; }

    /// <summary>Names this engine and, for a synthetic model, says so.</summary>
    string EngineVersion { get; }

    /// <summary>llama-server's build description; a synthetic model says so here as well.</summary>
    string BuildInfo { get; }

    bool IsSynthetic { get; }

    /// <summary>The pace of each slot for a synthetic model (0 = unpaced); null where the hardware sets it.</summary>
    double? TokensPerSecond { get; }

    /// <summary>
    /// KV cells holding tokens now, across every slot, and the cells there are; null where no KV cache exists
    /// (the synthetic model keeps none, and reports none rather than a made-up figure).
    /// </summary>
    (long Used, long Total)? KvCacheCells();

    /// <summary>
    /// Reads a completion's prompt once: its token count, and its tokens where the model needs them to start a
    /// sequence, so that <see cref="StartSequenceAsync"/> does not tokenize it again.
    /// </summary>
    EnginePrompt ReadPrompt(string text);

    /// <summary>The text's tokens; <paramref name="addSpecial"/> adds those the model puts around a prompt (its BOS), as <c>/tokenize</c>'s <c>add_special</c> asks.</summary>
    void Tokenize(ReadOnlySpan<char> text, bool addSpecial, List<int> tokens);

    /// <summary>
    /// Why this model cannot sample under <paramref name="grammar"/> (it does not parse, or the model cannot honour
    /// grammars at all); null when it can. Asked before any slot work, so a bad grammar costs the client a 400 only.
    /// </summary>
    string? GrammarError(string grammar);

    /// <summary>
    /// Evaluates the prompt (as <see cref="ReadPrompt"/> read it) in slot <paramref name="slotId"/> and returns the sequence that continues it, for at
    /// most <paramref name="tokenLimit"/> tokens. The caller disposes the sequence when it stops reading.
    /// With <paramref name="reuseCachedPrefix"/> (llama-server's <c>cache_prompt</c>) the part of the prompt that
    /// the slot's KV cache already holds is not evaluated again; without it the slot starts from an empty cache.
    /// </summary>
    ValueTask<ITokenSequence> StartSequenceAsync(
        int slotId,
        EnginePrompt prompt,
        SamplingParameters sampling,
        int tokenLimit,
        bool reuseCachedPrefix,
        CancellationToken cancellationToken);

    /// <summary>
    /// Empties slot <paramref name="slotId"/>'s KV cache and returns how many tokens it held. The caller holds the
    /// slot, so no sequence runs in it meanwhile.
    /// </summary>
    ValueTask<int> EraseSlotAsync(int slotId, CancellationToken cancellationToken);
}
