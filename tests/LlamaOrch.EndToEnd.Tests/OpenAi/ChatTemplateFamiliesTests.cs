using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Anthropic;
using Anthropic.Core;
using Anthropic.Models.Messages;
using Json.Schema;
using LlamaOrch.Testing;
using OpenAI.Chat;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatMessage = OpenAI.Chat.ChatMessage;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace LlamaOrch.EndToEnd.Tests.OpenAi;

/// <summary>
/// One orchestratord with two pools of random-weight models that carry a real family's chat template: <c>qwen</c>
/// (Qwen2.5, ChatML with Hermes <c>&lt;tool_call&gt;</c>) and <c>llama</c> (Llama 3.1, JSON tool calls). The models'
/// folder is a catalog root, so a test can register one of them by a catalog id.
/// </summary>
public sealed class ChatTemplatePoolsFixture : IAsyncLifetime
{
    internal Orchestrator Orchestrator { get; private set; } = null!;

    internal string QwenPath { get; private set; } = null!;

    /// <summary>The model each pool serves: what the Anthropic door's <c>model</c> names (it takes no pool ids).</summary>
    internal Dictionary<string, string> Models { get; } = [];

    public async Task InitializeAsync()
    {
        QwenPath = await ChatTemplateModels.Qwen25PathAsync();
        var llama = await ChatTemplateModels.Llama31PathAsync();
        Models["qwen"] = QwenPath;
        Models["llama"] = llama;
        Orchestrator = await Orchestrator.StartAsync(
        [
            "Pools:0:Id=qwen", $"Pools:0:Model={QwenPath}", "Pools:0:Slots=2", "Pools:0:Replicas=1", "Pools:0:Ctx=2048",
            "Pools:1:Id=llama", $"Pools:1:Model={llama}", "Pools:1:Slots=2", "Pools:1:Replicas=1", "Pools:1:Ctx=2048",
            $"Catalog:AllowedRoots:0={Path.GetDirectoryName(QwenPath)}",
        ]);
    }

    public async Task DisposeAsync() => await Orchestrator.DisposeAsync();

    internal AnthropicClient Anthropic() => new(new ClientOptions
    {
        BaseUrl = Orchestrator.Address.ToString().TrimEnd('/'),
        AuthToken = Orchestrator.Token,
        ApiKey = null,
        MaxRetries = 0,
        Timeout = TimeSpan.FromSeconds(60),
        HttpClient = new HttpClient(new SocketsHttpHandler { UseProxy = false }),
    });
}

/// <summary>
/// The OpenAI and Anthropic doors with real templates of two families, spoken to by the official SDKs unmodified. The
/// weights are random, so answers are checked for shape, usage and finish reason, never for their text; what the
/// grammar enforces (tool arguments, JSON) is checked against its schema.
/// </summary>
public sealed class ChatTemplateFamiliesTests(ChatTemplatePoolsFixture fixture) : IClassFixture<ChatTemplatePoolsFixture>
{
    private Orchestrator Orchestrator => fixture.Orchestrator;

    private const string System = "You answer briefly.";
    private const string Question = "Hello there";

    /// <summary>
    /// Each family's template rendered by hand for <see cref="System"/> and <see cref="Question"/>, as the model's authors
    /// document it, less the leading BOS the Llama template writes: the engine's tokenizer adds BOS itself, so the door
    /// strips it (docs/chat-templates.md).
    /// </summary>
    private const string QwenRender = $"<|im_start|>system\n{System}<|im_end|>\n<|im_start|>user\n{Question}<|im_end|>\n<|im_start|>assistant\n";

    private const string LlamaRender =
        "<|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n" +
        $"{System}<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n{Question}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n";

    public static TheoryData<string, string> Renders => new() { { "qwen", QwenRender }, { "llama", LlamaRender } };

    public static TheoryData<string> Families => new() { "qwen", "llama" };

    private const string Parameters = """
        {"type":"object","properties":{"city":{"type":"string","enum":["Paris","Berlin","Rome"]},"metric":{"type":"boolean"}},"required":["city","metric"],"additionalProperties":false}
        """;

    private static ChatTool Weather => ChatTool.CreateFunctionTool("get_weather", "The weather forecast of a city", BinaryData.FromString(Parameters));

    [Theory]
    [MemberData(nameof(Renders))]
    public async Task A_plain_chat_completes_and_its_prompt_is_the_templates_render(string pool, string render)
    {
        var client = OpenAiClients.Chat(Orchestrator, pool);

        var completion = (await client.CompleteChatAsync([new SystemChatMessage(System), new UserChatMessage(Question)],
            new ChatCompletionOptions { MaxOutputTokenCount = 8, Temperature = 0.7f })).Value;

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Contains(completion.FinishReason, new[] { ChatFinishReason.Length, ChatFinishReason.Stop });
        Assert.Empty(completion.ToolCalls);
        // Sampled: these tiny models may end their turn at once (0 tokens); what matters here is the prompt.
        Assert.InRange(completion.Usage.OutputTokenCount, 0, 8);
        Assert.Equal(completion.Usage.InputTokenCount + completion.Usage.OutputTokenCount, completion.Usage.TotalTokenCount);
        Assert.Equal(pool, completion.Model);

        // The prompt the engine got: the hand-written render, sent as a raw prompt through the task API, is as many tokens
        // (a missing marker, date line or newline would show as a difference).
        Assert.Equal(await TokensInAsync(pool, render), completion.Usage.InputTokenCount);

        using var anthropic = fixture.Anthropic();
        var message = await anthropic.Messages.Create(new MessageCreateParams
        {
            // The pool id as the model: the same template, so the same prompt tokens as the OpenAI door's.
            Model = pool, MaxTokens = 8, System = System, Messages = [new UserMessageParam(Question)],
        });
        Assert.Contains(message.StopReason!.Raw(), new[] { "max_tokens", "end_turn" });
        Assert.InRange(message.Usage.OutputTokens, 0, 8);
        Assert.Equal(completion.Usage.InputTokenCount, message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task A_tool_call_forced_by_name_or_required_parses_into_arguments_valid_against_the_schema(string pool)
    {
        var client = OpenAiClients.Chat(Orchestrator, pool);
        ChatMessage[] messages = [new UserChatMessage("What is the weather in Rome?")];

        foreach (var choice in new[] { ChatToolChoice.CreateFunctionChoice("get_weather"), ChatToolChoice.CreateRequiredChoice() })
        {
            var options = new ChatCompletionOptions { MaxOutputTokenCount = 120, Tools = { Weather }, ToolChoice = choice };
            var completion = (await client.CompleteChatAsync(messages, options)).Value;

            Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
            var call = Assert.Single(completion.ToolCalls);
            Assert.Equal("get_weather", call.FunctionName);
            Assert.False(string.IsNullOrEmpty(call.Id));
            using var arguments = JsonDocument.Parse(call.FunctionArguments);
            Assert.True(JsonSchema.FromText(Parameters).Evaluate(arguments.RootElement).IsValid, call.FunctionArguments.ToString());
        }

        using var anthropic = fixture.Anthropic();
        var message = await anthropic.Messages.Create(new MessageCreateParams
        {
            Model = fixture.Models[pool],
            MaxTokens = 120,
            Messages = [new UserMessageParam("What is the weather in Rome?")],
            Tools = [new Tool { Name = "get_weather", Description = "The weather forecast of a city", InputSchema = InputSchema.FromRawUnchecked(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Parameters)!) }],
            ToolChoice = new ToolChoiceAny(),
        });
        Assert.Equal("tool_use", message.StopReason!.Raw());
        var use = Assert.Single(message.Content.Select(block => block.TryPickToolUse(out var u) ? u : null).OfType<ToolUseBlock>());
        Assert.Equal("get_weather", use.Name);
        Assert.True(JsonSchema.FromText(Parameters).Evaluate(JsonSerializer.SerializeToElement(use.Input)).IsValid, JsonSerializer.Serialize(use.Input));
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task A_json_schema_answer_validates(string pool)
    {
        // Every value bounded (a string from a list, a boolean): random weights could write digits until max_tokens, and
        // their byte tokens can leave invalid UTF-8 in a free string, whose replacement characters break a maxLength.
        const string schemaText = """
            {"type":"object","properties":{"name":{"type":"string","enum":["Ada","Bob","Cyd"]},"adult":{"type":"boolean"}},"required":["name","adult"],"additionalProperties":false}
            """;
        var client = OpenAiClients.Chat(Orchestrator, pool);
        var options = new ChatCompletionOptions
        {
            MaxOutputTokenCount = 200,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("person", BinaryData.FromString(schemaText), jsonSchemaIsStrict: true),
        };

        var completion = (await client.CompleteChatAsync([new UserChatMessage("Describe a person as JSON.")], options)).Value;

        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        using var answer = JsonDocument.Parse(completion.Content.Single().Text);
        Assert.True(JsonSchema.FromText(schemaText).Evaluate(answer.RootElement).IsValid, completion.Content.Single().Text);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public async Task A_conversation_with_an_assistant_tool_call_and_its_result_renders_and_runs(string pool)
    {
        const string result = """{"forecast":"sunny","high":25}""";
        var client = OpenAiClients.Chat(Orchestrator, pool);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8, Tools = { Weather } };
        ChatMessage[] asked = [new SystemChatMessage(System), new UserChatMessage("What is the weather in Rome?")];
        ChatMessage[] answered =
        [
            .. asked,
            new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_1", "get_weather", BinaryData.FromString("""{"city":"Rome","metric":true}"""))]),
            new ToolChatMessage("call_1", result),
        ];

        var before = (await client.CompleteChatAsync(asked, options)).Value;
        var after = (await client.CompleteChatAsync(answered, options)).Value;

        Assert.Contains(after.FinishReason, new[] { ChatFinishReason.Length, ChatFinishReason.Stop, ChatFinishReason.ToolCalls });
        // The call's arguments and the tool's answer are in the prompt, each in the family's own markup.
        Assert.True(after.Usage.InputTokenCount > before.Usage.InputTokenCount + 10, $"{after.Usage.InputTokenCount} vs {before.Usage.InputTokenCount}");

        using var anthropic = fixture.Anthropic();
        var input = new Dictionary<string, JsonElement> { ["city"] = JsonSerializer.SerializeToElement("Rome"), ["metric"] = JsonSerializer.SerializeToElement(true) };
        var message = await anthropic.Messages.Create(new MessageCreateParams
        {
            Model = fixture.Models[pool],
            MaxTokens = 8,
            System = System,
            Tools = [new Tool { Name = "get_weather", Description = "The weather forecast of a city", InputSchema = InputSchema.FromRawUnchecked(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Parameters)!) }],
            Messages =
            [
                new UserMessageParam("What is the weather in Rome?"),
                new AssistantMessageParam(new MessageContentParam([new ContentBlockParam(new ToolUseBlockParam { ID = "toolu_1", Name = "get_weather", Input = input }, null)], null)),
                new UserMessageParam(new MessageContentParam([new ContentBlockParam(new ToolResultBlockParam("toolu_1") { Content = result }, null)], null)),
            ],
        });
        // Sampled: the model may end its turn at once (0 tokens; the Qwen-family pool did in 4 of 60 tries).
        Assert.Contains(message.StopReason!.Raw(), new[] { "max_tokens", "end_turn", "tool_use" });
        Assert.InRange(message.Usage.OutputTokens, 0, 8);
        Assert.True(message.Usage.InputTokens + (message.Usage.CacheReadInputTokens ?? 0) > before.Usage.InputTokenCount + 10);
    }

    [Fact]
    public async Task A_catalog_id_names_the_model_through_the_openai_door()
    {
        using (var created = await Orchestrator.PostRawAsync("/v1/catalog/models",
            new JsonObject { ["id"] = "qwen-chat", ["source_url"] = fixture.QwenPath }.ToJsonString()))
        {
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
            Assert.Equal(["qwen"], JsonNode.Parse(await created.Content.ReadAsStringAsync())!["pools"]!.AsArray().Select(p => p!.GetValue<string>()));
        }

        var client = OpenAiClients.Chat(Orchestrator, "qwen-chat");
        var completion = (await client.CompleteChatAsync([new SystemChatMessage(System), new UserChatMessage(Question)],
            new ChatCompletionOptions { MaxOutputTokenCount = 4 })).Value;

        Assert.Equal("qwen-chat", completion.Model);
        Assert.InRange(completion.Usage.OutputTokenCount, 0, 4);
        // The catalog entry's template is the Qwen family's: the same prompt as through the pool's id.
        Assert.Equal(await TokensInAsync("qwen", QwenRender), completion.Usage.InputTokenCount);
    }

    [Fact]
    public async Task A_templates_markers_reach_the_model_as_its_control_tokens()
    {
        // "<|im_start|>" is one control token of the Qwen vocabulary, not twelve characters: the engine parses special
        // text in prompts as llama-server does, or every rendered chat would reach the model as something else.
        Assert.Equal(1, await TokensInAsync("qwen", "<|im_start|>user") - await TokensInAsync("qwen", "user"));
        Assert.Equal(2, await TokensInAsync("llama", "<|start_header_id|>user<|end_header_id|>") - await TokensInAsync("llama", "user"));
    }

    /// <summary>The prompt tokens the engine counts for <paramref name="prompt"/> sent as-is through the task API to the pool.</summary>
    private async Task<int> TokensInAsync(string pool, string prompt)
    {
        var body = new JsonObject { ["workload"] = "completion", ["model_ref"] = pool, ["prompt"] = prompt, ["max_tokens"] = 1 };
        var admitted = await Orchestrator.AdmitAsync(body);
        var frames = await Orchestrator.StreamAsync(admitted["task_id"]!.GetValue<string>());
        Assert.Equal("end", frames[^1].Event);
        return frames[^1].Data.GetProperty("tokens_in").GetInt32();
    }
}
