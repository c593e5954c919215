namespace LlamaOrch.Engines.OpenAiProtocol;

/// <summary>One <c>data:</c> chunk of a streamed completion; the last one (with <c>include_usage</c>) has no choices and the usage.</summary>
internal sealed record OpenAiCompletionChunk(IReadOnlyList<OpenAiCompletionChoice>? Choices, OpenAiUsage? Usage, OpenAiError? Error);

internal sealed record OpenAiCompletionChoice(int Index, string? Text, string? FinishReason);

internal sealed record OpenAiUsage(int PromptTokens, int CompletionTokens);

internal sealed record OpenAiError(string? Message);
