namespace LlamaOrch.Contracts.OpenAi;

/// <summary>One SSE <c>data:</c> chunk of a streaming <c>POST /v1/chat/completions</c>.</summary>
/// <param name="Choices">One choice; empty in the last chunk that carries only <paramref name="Usage"/>.</param>
public sealed record ChatCompletionChunk(string Id, long Created, string Model, IReadOnlyList<ChunkChoice> Choices, Usage? Usage = null)
{
    public string Object => "chat.completion.chunk";
}

/// <param name="FinishReason">Only in the choice's last chunk.</param>
public sealed record ChunkChoice(int Index, ChunkDelta Delta, string? FinishReason);

/// <param name="Role">Only in the first chunk.</param>
public sealed record ChunkDelta(string? Role, string? Content, IReadOnlyList<ToolCallDeltaBody>? ToolCalls);

/// <param name="Id">Only in a call's first delta, with <paramref name="Type"/>.</param>
public sealed record ToolCallDeltaBody(int Index, string? Id, string? Type, FunctionCallBody Function);
