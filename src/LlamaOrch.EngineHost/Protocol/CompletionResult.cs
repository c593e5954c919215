namespace LlamaOrch.EngineHost.Protocol;

/// <summary>The figures of a finished completion that its final frame reports.</summary>
/// <param name="StoppingWord">The stop string that ended generation when <paramref name="StopType"/> is <c>Word</c>.</param>
/// <param name="TokensCached">Prompt tokens reused from the slot's KV cache instead of evaluated again.</param>
internal readonly record struct CompletionResult(
    int SlotId,
    int TokensPredicted,
    int TokensEvaluated,
    int TokensCached,
    StopType StopType,
    TimeSpan PromptTime,
    TimeSpan PredictedTime,
    string? StoppingWord = null);
