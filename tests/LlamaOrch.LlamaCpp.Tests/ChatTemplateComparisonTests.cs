using LlamaOrch.Core.Chat;
using LlamaOrch.Testing;

namespace LlamaOrch.LlamaCpp.Tests;

/// <summary>
/// Our Jinja renderer against llama.cpp's own chat formatting (<c>llama_chat_apply_template</c>) for the families
/// llama.cpp knows: the same system/user/assistant messages must give the same prompt. Recorded in docs/chat-templates.md.
/// </summary>
public sealed class ChatTemplateComparisonTests
{
    private static readonly (string Role, string Content)[] Conversation =
    [
        ("system", "You are a helpful assistant."),
        ("user", "Hello! Grüße aus Zürich."),
        ("assistant", "Hi there, how can I help?"),
        ("user", "Tell me a story."),
    ];

    private static ChatMessage[] Messages => [.. Conversation.Select(m => new ChatMessage(m.Role, m.Content))];

    [Fact]
    public void LlamaCpp_knows_the_families_compared_here()
    {
        var builtins = LlamaChat.BuiltinTemplates();
        Assert.Contains("chatml", builtins);
        Assert.Contains("llama3", builtins);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_fallback_is_what_llama_cpp_renders_as_chatml(bool addAssistant)
    {
        var ours = ChatPromptRenderer.Render(null, Messages, null, addAssistant);
        Assert.True(ours.UsedFallback);
        Assert.Equal(LlamaChat.Apply("chatml", Conversation, addAssistant), ours.Prompt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_qwen_2_5_template_renders_what_llama_cpp_renders_for_it(bool addAssistant)
    {
        var template = ChatTemplateTexts.Qwen25Instruct;
        var ours = ChatPromptRenderer.Render(new ChatTemplateFacts(template, "<|endoftext|>", "<|im_end|>"), Messages, null, addAssistant);
        Assert.False(ours.UsedFallback);
        Assert.Equal(LlamaChat.Apply(template, Conversation, addAssistant), ours.Prompt);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_llama_3_template_renders_what_llama_cpp_renders_for_it(bool addAssistant)
    {
        var template = ChatTemplateTexts.Llama3Instruct;
        var ours = ChatPromptRenderer.Render(new ChatTemplateFacts(template, "<|begin_of_text|>", "<|eot_id|>"), Messages, null, addAssistant);
        Assert.False(ours.UsedFallback);
        // llama.cpp leaves BOS to the tokenizer, as our prompt does.
        Assert.Equal(LlamaChat.Apply(template, Conversation, addAssistant), ours.Prompt);
    }

    [Fact]
    public void For_llama_3_1_llama_cpp_falls_back_to_plain_llama_3_and_drops_what_the_template_adds()
    {
        // Why we run the model's own template: llama.cpp's built-in path recognises Llama 3.1 as "llama3" and loses
        // the system preamble (the knowledge-cutoff and date lines) that the real template writes.
        var template = ChatTemplateTexts.Llama31Instruct;
        var theirs = LlamaChat.Apply(template, Conversation, addAssistant: true);
        var ours = ChatPromptRenderer.Render(new ChatTemplateFacts(template, "<|begin_of_text|>", "<|eot_id|>"), Messages, null).Prompt;

        Assert.NotNull(theirs);
        Assert.DoesNotContain("Cutting Knowledge Date", theirs, StringComparison.Ordinal);
        Assert.Contains("Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\nYou are a helpful assistant.<|eot_id|>", ours, StringComparison.Ordinal);
        Assert.Equal(theirs[theirs.IndexOf("<|start_header_id|>user", StringComparison.Ordinal)..], ours[ours.IndexOf("<|start_header_id|>user", StringComparison.Ordinal)..]);
    }

    [Fact]
    public void A_template_llama_cpp_does_not_know_gives_null()
    {
        Assert.Null(LlamaChat.Apply("{{ messages | length }} no family markers here", Conversation, addAssistant: true));
    }
}
