using System.Threading.Channels;
using LlamaOrch.EngineHost.Generation;
using LlamaOrch.LlamaCpp;

namespace LlamaOrch.EngineHost.Inference;

/// <summary>
/// One completion in one slot (llama.cpp sequence id = slot id). The decode loop feeds its prompt, samples
/// its tokens and writes them to <see cref="Output"/>; all fields but the channel and the flags are touched
/// only by that loop. <see cref="TokenDelivery"/> completes the channel's reads and <see cref="PromptEvaluated"/>
/// on its own thread, and their continuations run there (synchronously): that thread exists to run them.
/// </summary>
internal sealed class LlamaSequence(
    int slot,
    int[] prompt,
    SamplerChain sampler,
    int tokenLimit,
    bool strict,
    bool reuseCachedPrefix,
    BatchScheduler scheduler) : ITokenSequence
{
    /// <summary>Decoded alone in its batch and from an empty KV, so its tokens depend on nothing else.</summary>
    public bool Strict { get; } = strict;

    /// <summary>Whether the part of the prompt that the slot's cache already holds is skipped (never for a strict one).</summary>
    public bool ReuseCachedPrefix { get; } = reuseCachedPrefix;

    public int Slot { get; } = slot;
    public int[] Prompt { get; } = prompt;
    public SamplerChain Sampler { get; } = sampler;
    public int TokenLimit { get; } = tokenLimit;

    public Channel<GeneratedToken> Output { get; } =
        Channel.CreateUnbounded<GeneratedToken>(
            new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = true });

    /// <summary>Completes when the whole prompt has been evaluated (its timing is the prompt time).</summary>
    public TaskCompletionSource PromptEvaluated { get; } = new();

    public Utf8Accumulator Text { get; } = new();

    /// <summary>Prompt tokens reused from the slot's cache (set when the sequence joins the loop).</summary>
    public int CachedPromptTokens { get; set; }

    /// <summary>Next prompt index to feed; equal to the prompt length once it is all in the KV cache.</summary>
    public int PromptCursor { get; set; }

    /// <summary>Position of the next token fed to the model.</summary>
    public int Position { get; set; }

    public int LastToken { get; set; }

    public int Generated { get; set; }

    /// <summary>Batch row whose logits belong to this sequence in the current step; -1 when none.</summary>
    public int Row { get; set; } = -1;

    public bool PromptDone => PromptCursor == Prompt.Length;

    /// <summary>Set by the loop when the sequence ended (limit, end of generation, error or departure).</summary>
    public bool Finished { get; set; }

    private volatile bool _left;

    /// <summary>Set by <see cref="Dispose"/> before the loop hears of it.</summary>
    public bool HasLeft => _left;

    public ValueTask<GeneratedToken> NextAsync(CancellationToken cancellationToken) => Output.Reader.ReadAsync(cancellationToken);

    /// <summary>Leaves the decode loop at its next step; the slot's KV stays for prefix reuse.</summary>
    public void Dispose()
    {
        _left = true;
        scheduler.Leave(this);
    }
}
