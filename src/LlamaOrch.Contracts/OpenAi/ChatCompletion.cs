namespace LlamaOrch.Contracts.OpenAi;

/// <summary>The answer of a non-streaming <c>POST /v1/chat/completions</c>.</summary>
public sealed record ChatCompletion(string Id, long Created, string Model, IReadOnlyList<ChatChoice> Choices, Usage Usage)
{
    public string Object => "chat.completion";
}

public sealed record ChatChoice(int Index, AssistantMessage Message, string FinishReason);

/// <param name="Content">The text; null when the answer is only tool calls.</param>
public sealed record AssistantMessage(string? Content, IReadOnlyList<ToolCallBody>? ToolCalls)
{
    public string Role => "assistant";
}

/// <param name="PromptTokensDetails">What the engine took from its KV cache instead of evaluating it.</param>
public sealed record Usage(int PromptTokens, int CompletionTokens, int TotalTokens, PromptTokensDetails? PromptTokensDetails = null);

public sealed record PromptTokensDetails(int CachedTokens);
