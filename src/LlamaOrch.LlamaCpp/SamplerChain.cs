using LlamaOrch.LlamaCpp.Native;

namespace LlamaOrch.LlamaCpp;

/// <summary>One sequence's sampler chain (it carries the seeded RNG and the penalty history).</summary>
internal sealed class SamplerChain : IDisposable
{
    private nint _chain;

    public SamplerChain(LlamaModel model, SamplerSettings settings)
    {
        LlamaBackend.EnsureInitialized();
        _chain = NativeMethods.SamplerChainInit(NativeMethods.SamplerChainDefaultParams());
        if (settings.RepeatPenalty != 1.0f)
            Add(NativeMethods.SamplerInitPenalties(model.VocabSize, settings.RepeatLastN, settings.RepeatPenalty, 0, 0));
        if (!string.IsNullOrEmpty(settings.Grammar))
        {
            // In the chain, so the chain's accept after each draw advances the grammar's state too. llama-server keeps
            // it apart and resamples with it first only when the free draw breaks the grammar; masking first gives
            // the same support with one draw per token, which keeps a seeded run reproducible.
            var grammar = NativeMethods.SamplerInitGrammar(model.Vocab, settings.Grammar, GrammarRoot);
            if (grammar == 0)
            {
                NativeMethods.SamplerFree(_chain);
                _chain = 0;
                throw new LlamaException("the grammar does not parse (llama_sampler_init_grammar returned NULL)");
            }
            Add(grammar);
        }
        if (settings.Temperature <= 0)
        {
            Add(NativeMethods.SamplerInitGreedy());
            return;
        }
        Add(NativeMethods.SamplerInitTopK(settings.TopK));
        Add(NativeMethods.SamplerInitTopP(settings.TopP, 1));
        Add(NativeMethods.SamplerInitMinP(settings.MinP, 1));
        Add(NativeMethods.SamplerInitTemp(settings.Temperature));
        Add(NativeMethods.SamplerInitDist(settings.Seed));
    }

    /// <summary>The rule a grammar starts from, as llama-server names it.</summary>
    public const string GrammarRoot = "root";

    /// <summary>Whether llama.cpp accepts <paramref name="grammar"/> for <paramref name="model"/>'s vocabulary (it logs why not).</summary>
    public static bool IsValidGrammar(LlamaModel model, string grammar)
    {
        LlamaBackend.EnsureInitialized();
        var sampler = NativeMethods.SamplerInitGrammar(model.Vocab, grammar, GrammarRoot);
        if (sampler == 0) return false;
        NativeMethods.SamplerFree(sampler);
        return true;
    }

    /// <summary>Samples from the logits of batch row <paramref name="row"/> and records the choice.</summary>
    public int Sample(LlamaContext context, int row) => NativeMethods.SamplerSample(_chain, context.Handle, row);

    private void Add(nint sampler) => NativeMethods.SamplerChainAdd(_chain, sampler);

    public void Dispose()
    {
        if (_chain == 0) return;
        NativeMethods.SamplerFree(_chain);
        _chain = 0;
    }
}
