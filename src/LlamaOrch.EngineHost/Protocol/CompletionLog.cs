namespace LlamaOrch.EngineHost.Protocol;

/// <summary>One line per completion, with the caller's correlation id; prompts and text are never logged.</summary>
internal static partial class CompletionLog
{
    [LoggerMessage(
        EventId = 1,
        Level = LogLevel.Information,
        Message = "Completion done in slot {SlotId}: {PromptTokens} prompt tokens, {PredictedTokens} predicted, stop {StopType}, correlation id '{CorrelationId}'")]
    public static partial void Completed(
        ILogger logger,
        int slotId,
        int promptTokens,
        int predictedTokens,
        StopType stopType,
        string correlationId);

    [LoggerMessage(
        EventId = 2,
        Level = LogLevel.Information,
        Message = "Completion cancelled in slot {SlotId} after {PredictedTokens} predicted tokens, correlation id '{CorrelationId}'")]
    public static partial void Cancelled(ILogger logger, int slotId, int predictedTokens, string correlationId);

    [LoggerMessage(
        EventId = 3,
        Level = LogLevel.Information,
        Message = "Completion cancelled while waiting for a slot, correlation id '{CorrelationId}'")]
    public static partial void AbandonedWhileDeferred(ILogger logger, string correlationId);
}
