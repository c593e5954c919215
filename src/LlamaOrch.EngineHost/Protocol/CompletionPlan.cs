using LlamaOrch.EngineHost.Generation;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>A validated completion request: everything the generation loop needs and nothing it must check.</summary>
/// <param name="TokenLimit">Tokens to predict at most; generation stops with <c>limit</c> there.</param>
/// <param name="RequestedSlot">A slot id, or <see cref="Slots.SlotPool.AnySlot"/>.</param>
/// <param name="StopStrings">Non-empty strings that end generation when the output reaches one; the match is not emitted.</param>
/// <param name="ReuseCachedPrefix">llama-server's <c>cache_prompt</c> (default true): skip what the slot's cache holds.</param>
/// <param name="Prompt">The prompt, tokenized once here; the slot starts from these tokens.</param>
internal readonly record struct CompletionPlan(
    EnginePrompt Prompt,
    int TokenLimit,
    bool Stream,
    int RequestedSlot,
    SamplingParameters Sampling,
    bool ReuseCachedPrefix,
    IReadOnlyList<string> StopStrings)
{
    public int PromptTokens => Prompt.TokenCount;
}
