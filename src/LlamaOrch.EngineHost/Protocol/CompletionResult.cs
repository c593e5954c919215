namespace LlamaOrch.EngineHost.Protocol;

/// <summary>The figures of a finished completion that its final frame reports.</summary>
internal readonly record struct CompletionResult(
    int SlotId,
    int TokensPredicted,
    int TokensEvaluated,
    StopType StopType,
    TimeSpan PromptTime,
    TimeSpan PredictedTime);
