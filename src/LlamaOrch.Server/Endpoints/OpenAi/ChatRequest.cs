using LlamaOrch.Core.Chat;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary>A chat completion request read into the shapes rendering and grammars take.</summary>
/// <param name="Tools">The offered functions; empty when none.</param>
/// <param name="Grammar">From <c>response_format</c> (json_object, json_schema), or null; a forced tool call's grammar is made once the template's format is known.</param>
internal sealed record ChatRequest(
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyList<ChatTool> Tools,
    ToolChoice ToolChoice,
    List<string> Stop,
    string? Grammar,
    int? MaxTokens,
    bool Stream,
    bool IncludeUsage)
{
    /// <summary>Whether the model's output is parsed for tool calls: tools offered and not turned off.</summary>
    public bool ParsesToolCalls => Tools.Count > 0 && ToolChoice.Mode != ToolChoiceMode.None;
}
