using System.Text.Json;
using LlamaOrch.Core.Chat;
using LlamaOrch.Testing;

namespace LlamaOrch.Core.Tests.Chat;

public sealed class ChatPromptRendererTests
{
    private static readonly ChatTemplateFacts Qwen = new(ChatTemplateTexts.Qwen25Instruct, "", "<|im_end|>");
    private static readonly ChatTemplateFacts Llama = new(ChatTemplateTexts.Llama31Instruct, "<|begin_of_text|>", "<|eot_id|>");

    // The conversation render_golden.py renders with the reference Jinja2.
    private static readonly ChatTool[] Tools =
    [
        new("get_weather", "Get the current weather", JsonDocument.Parse("""
            {"type": "object", "properties": {"city": {"type": "string", "description": "City name"},
             "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["city"]}
            """).RootElement),
    ];

    private static readonly ChatMessage[] WithTools =
    [
        new("system", "You are a helpful assistant."),
        new("user", "What's the weather in Paris?"),
        new("assistant", null) { ToolCalls = [new ChatToolCall("call_1", "get_weather", """{"city":"Paris","unit":"celsius"}""")] },
        new("tool", """{"temperature": 18, "sky": "clear"}""") { ToolCallId = "call_1", Name = "get_weather" },
        new("assistant", "It is 18 °C and clear in Paris."),
        new("user", "Thanks! And in Zürich?"),
    ];

    private static readonly ChatMessage[] Plain =
    [
        new("system", "You are a helpful assistant."),
        new("user", "Hello!"),
        new("assistant", "Hi there, how can I help?"),
        new("user", "Tell me a story."),
    ];

    [Theory]
    [InlineData("qwen2.5-instruct")]
    [InlineData("llama-3.1-instruct")]
    public void RealTemplatesRenderExactlyWhatJinja2Renders(string family)
    {
        var facts = family.StartsWith("qwen", StringComparison.Ordinal) ? Qwen : Llama;
        // Jinja2 writes bos_token where the template does; the prompt leaves it to the engine's tokenizer.
        string WithBos(ChatPrompt prompt) => facts.BosToken + prompt.Prompt;

        Assert.Equal(ChatTemplateTexts.Golden(family + ".tools"), WithBos(ChatPromptRenderer.Render(facts, WithTools, Tools)));
        Assert.Equal(ChatTemplateTexts.Golden(family + ".plain"), WithBos(ChatPromptRenderer.Render(facts, Plain, null)));
        Assert.Equal(ChatTemplateTexts.Golden(family + ".plain-no-generation-prompt"), WithBos(ChatPromptRenderer.Render(facts, Plain, [], addGenerationPrompt: false)));
    }

    [Fact]
    public void ALeadingBosIsLeftToTheEnginesTokenizer()
    {
        var prompt = ChatPromptRenderer.Render(Llama, Plain, null).Prompt;
        Assert.StartsWith("<|start_header_id|>system<|end_header_id|>\n\n", prompt, StringComparison.Ordinal);
        Assert.StartsWith("<|begin_of_text|><|start_header_id|>", ChatTemplateTexts.Golden("llama-3.1-instruct.plain"), StringComparison.Ordinal);
    }

    [Fact]
    public void QwenIsHermesAndStopsAtImEnd()
    {
        var prompt = ChatPromptRenderer.Render(Qwen, Plain, null);
        Assert.False(prompt.UsedFallback);
        Assert.Equal(ToolCallFormat.Hermes, prompt.ToolCallFormat);
        Assert.Equal(["<|im_end|>"], prompt.Stop);
    }

    [Fact]
    public void LlamaIsLlama3JsonAndStopsAtEotAndEom()
    {
        var prompt = ChatPromptRenderer.Render(Llama, Plain, null);
        Assert.False(prompt.UsedFallback);
        Assert.Equal(ToolCallFormat.Llama3Json, prompt.ToolCallFormat);
        Assert.Equal(["<|eot_id|>", "<|eom_id|>"], prompt.Stop);
    }

    [Fact]
    public void EosTextIsAStopEvenWhenTheTemplateDoesNotWriteIt()
    {
        var prompt = ChatPromptRenderer.Render(new ChatTemplateFacts("{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}", "<s>", "<|my_eos|>"), Plain, null);
        Assert.Equal(["<|my_eos|>"], prompt.Stop);
        Assert.Equal(ToolCallFormat.Hermes, prompt.ToolCallFormat);
    }

    [Fact]
    public void TheTemplatesOwnRaiseExceptionIsAChatTemplateException()
    {
        ChatMessage[] twoCalls =
        [
            new("user", "hi"),
            new("assistant", null) { ToolCalls = [new ChatToolCall("a", "f", "{}"), new ChatToolCall("b", "g", "{}")] },
        ];
        var error = Assert.Throws<ChatTemplateException>(() => ChatPromptRenderer.Render(Llama, twoCalls, Tools));
        Assert.Equal("This model only supports single tool-calls at once!", error.Message);
    }

    [Fact]
    public void ArgumentsThatAreNotJsonReachTheTemplateAsText()
    {
        ChatMessage[] messages = [new("user", "hi"), new("assistant", null) { ToolCalls = [new ChatToolCall("a", "f", "not json")] }];
        var prompt = ChatPromptRenderer.Render(Qwen, messages, null, addGenerationPrompt: false);
        Assert.Contains("<tool_call>\n{\"name\": \"f\", \"arguments\": \"not json\"}\n</tool_call>", prompt.Prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutATemplateTheFallbackIsPlainChatMl()
    {
        var prompt = ChatPromptRenderer.Render(null, Plain, null);
        Assert.True(prompt.UsedFallback);
        Assert.Equal(ToolCallFormat.Hermes, prompt.ToolCallFormat);
        Assert.Equal(["<|im_end|>"], prompt.Stop);
        Assert.Equal(
            "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHello!<|im_end|>\n"
            + "<|im_start|>assistant\nHi there, how can I help?<|im_end|>\n<|im_start|>user\nTell me a story.<|im_end|>\n<|im_start|>assistant\n",
            prompt.Prompt);
        Assert.Equal(prompt.Prompt, ChatPromptRenderer.Render(new ChatTemplateFacts(null, null, null), Plain, null).Prompt);
    }

    [Fact]
    public void TheFallbackShowsToolsCallsAndResultsHermesStyle()
    {
        var prompt = ChatPromptRenderer.Render(null, WithTools, Tools).Prompt;
        const string Expected =
            "<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
            + "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
            + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Get the current weather\", \"parameters\": "
            + "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\", \"description\": \"City name\"}, \"unit\": {\"type\": \"string\", "
            + "\"enum\": [\"celsius\", \"fahrenheit\"]}}, \"required\": [\"city\"]}}}\n</tools>\n\n"
            + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
            + "<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n"
            + "<|im_start|>user\nWhat's the weather in Paris?<|im_end|>\n"
            + "<|im_start|>assistant\n<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call><|im_end|>\n"
            + "<|im_start|>user\n<tool_response>\n{\"temperature\": 18, \"sky\": \"clear\"}\n</tool_response><|im_end|>\n"
            + "<|im_start|>assistant\nIt is 18 °C and clear in Paris.<|im_end|>\n"
            + "<|im_start|>user\nThanks! And in Zürich?<|im_end|>\n<|im_start|>assistant\n";
        Assert.Equal(Expected, prompt);
    }

    [Fact]
    public void AnUnparsableTemplateFallsBackInsteadOfRefusingEveryRequest()
    {
        var prompt = ChatPromptRenderer.Render(new ChatTemplateFacts("{% if unclosed %}", "", ""), Plain, null);
        Assert.True(prompt.UsedFallback);
        Assert.StartsWith("<|im_start|>system\n", prompt.Prompt, StringComparison.Ordinal);
    }
}
