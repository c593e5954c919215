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
