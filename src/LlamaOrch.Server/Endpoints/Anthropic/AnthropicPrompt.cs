using LlamaOrch.Contracts.Anthropic;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Chat;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Server.Endpoints.Anthropic;

/// <summary>
/// A request rendered for its model: the conversation through the model's chat template (or the ChatML fallback),
/// a prefill appended, the template's stop strings, and the tool-call grammar when the request forces a call.
/// <c>/v1/messages</c> and <c>/v1/messages/count_tokens</c> render the same way, so they count the same prompt.
/// </summary>
internal sealed record AnthropicPrompt(TaskRequestBody Defaults, AnthropicConversation Conversation, ChatPrompt Rendered, string Prompt, string? Grammar)
{
    public static Rejection? Render(MessagesRequest request, AdmissionService admission, out AnthropicPrompt? rendered)
    {
        rendered = null;
        if (string.IsNullOrWhiteSpace(request.Model)) return Rejection.InvalidParams("model", "required: a catalog id, a pool's model or a model ref");
        if (AnthropicConversation.Read(request, out var conversation) is { } problem) return problem;

        // The model's engine is the pools' (model_ref semantics); the template is looked up for that pair.
        var defaults = admission.WithDefaults(new TaskRequestBody { ModelRef = request.Model, Workload = "completion" }, out var modelProblem);
        if (modelProblem is not null) return modelProblem;
        var engine = defaults.Engine is { } name && WireNames.Engines.TryGetValue(name, out var kind) ? kind : EngineKind.LlamaCpp;
        if (DoorTask.UnknownModel(admission, defaults, request.Model) is { } unknown) return unknown;
        var model = defaults.ModelRef ?? request.Model;

        ChatPrompt prompt;
        string? grammar = null;
        try
        {
            prompt = ChatPromptRenderer.Render(admission.ChatTemplateOf(model, engine), conversation!.Messages, conversation.Tools);
            if (conversation.Tools is { } tools) grammar = ToolCallGrammar.For(prompt.ToolCallFormat, tools, conversation.Choice);
        }
        catch (ChatTemplateException error)
        {
            return Rejection.InvalidParams("messages", $"the model's chat template cannot render them: {error.Message}");
        }
        catch (JsonSchemaGrammarException error)
        {
            return Rejection.InvalidParams("tools", $"an input_schema cannot be enforced: {error.Message}");
        }
        rendered = new AnthropicPrompt(defaults, conversation, prompt, prompt.Prompt + conversation.Prefill, grammar);
        return null;
    }

    /// <summary>Whether the answer is split into text and tool calls: tools offered and not refused by <c>tool_choice: none</c>.</summary>
    public bool ParsesToolCalls => Conversation.Tools is not null && Conversation.Choice.Mode != ToolChoiceMode.None;
}
