using System.Text;

namespace LlamaOrch.Core.Chat;

/// <summary>
/// Renders a conversation into the prompt a completion model continues. A model without a template is rendered
/// as ChatML (what llama-server falls back to), so every completion model can chat.
/// </summary>
public static class ChatPromptRenderer
{
    private const string ImStart = "<|im_start|>";
    private const string ImEnd = "<|im_end|>";

    /// <exception cref="ChatTemplateException">The model's template cannot render these messages.</exception>
    public static ChatPrompt Render(ChatTemplateFacts? facts, IReadOnlyList<ChatMessage> messages, IReadOnlyList<ChatTool>? tools, bool addGenerationPrompt = true)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return RenderChatMl(messages, addGenerationPrompt);
    }

    /// <summary>The fallback: <c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> per message, then the assistant's header.</summary>
    private static ChatPrompt RenderChatMl(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        var prompt = new StringBuilder();
        foreach (var message in messages)
            prompt.Append(ImStart).Append(message.Role).Append('\n').Append(message.Content).Append(ImEnd).Append('\n');
        if (addGenerationPrompt) prompt.Append(ImStart).Append("assistant\n");
        return new ChatPrompt(prompt.ToString(), ToolCallFormat.Hermes, [ImEnd], UsedFallback: true);
    }
}
