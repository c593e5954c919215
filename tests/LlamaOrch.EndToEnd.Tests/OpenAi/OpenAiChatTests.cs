using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using LlamaOrch.Testing;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using OpenAI.Models;
using ChatMessage = OpenAI.Chat.ChatMessage;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;

namespace LlamaOrch.EndToEnd.Tests.OpenAi;

/// <summary>One orchestratord serving stories260K (pool "p": completion and embedding), for the clients' happy paths.</summary>
public sealed class StoriesPoolFixture : IAsyncLifetime
{
    internal Orchestrator Orchestrator { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool("file:" + RepoPaths.Stories260K, slots: 2, ctx: 2048), "Pools:0:Workloads:0=completion", "Pools:0:Workloads:1=embedding"]);

    public async Task DisposeAsync() => await Orchestrator.DisposeAsync();
}

/// <summary>The OpenAI .NET SDK and Microsoft.Extensions.AI, unmodified, against a real orchestratord and llama.cpp.</summary>
public sealed class OpenAiChatTests(StoriesPoolFixture fixture) : IClassFixture<StoriesPoolFixture>
{
    private Orchestrator Orchestrator => fixture.Orchestrator;

    [Fact]
    public async Task The_sdk_chat_client_gets_an_answer_with_usage_from_the_pool_named_by_its_id()
    {
        var client = OpenAiClients.Chat(Orchestrator);

        var completion = (await client.CompleteChatAsync([new SystemChatMessage("You tell stories."), new UserChatMessage("Once upon a time")],
            new ChatCompletionOptions { MaxOutputTokenCount = 16, Temperature = 0.5f })).Value;

        Assert.Equal(ChatMessageRole.Assistant, completion.Role);
        Assert.Matches("[a-z]{2,}", completion.Content.Single().Text);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(16, completion.Usage.OutputTokenCount);
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.Equal(completion.Usage.InputTokenCount + 16, completion.Usage.TotalTokenCount);
        Assert.NotNull(completion.Usage.InputTokenDetails);
        Assert.StartsWith("chatcmpl-", completion.Id);
    }

    [Fact]
    public async Task The_sdk_streams_an_answer_in_chunks_and_ends_with_usage()
    {
        var client = OpenAiClients.Chat(Orchestrator);

        var text = new System.Text.StringBuilder();
        var updates = 0;
        ChatFinishReason? finish = null;
        ChatTokenUsage? usage = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Once upon a time")], new ChatCompletionOptions { MaxOutputTokenCount = 12 }))
        {
            updates++;
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            finish ??= update.FinishReason;
            usage ??= update.Usage;
        }

        Assert.True(updates >= 12, $"{updates} updates"); // a chunk per token at least, plus the role's and the finish's
        Assert.Matches("[a-z]{2,}", text.ToString());
        Assert.Equal(ChatFinishReason.Length, finish);
        Assert.NotNull(usage);
        Assert.Equal(12, usage.OutputTokenCount);
    }

    [Fact]
    public async Task Microsoft_extensions_ai_chats_through_the_sdk_streaming_and_not()
    {
        IChatClient chat = OpenAiClients.Chat(Orchestrator).AsIChatClient();
        var options = new ChatOptions { MaxOutputTokens = 10 };

        var response = await chat.GetResponseAsync("Once upon a time", options);
        Assert.Matches("[a-z]{2,}", response.Text);
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Length, response.FinishReason);
        Assert.Equal(10, response.Usage!.OutputTokenCount);

        var streamed = new List<ChatResponseUpdate>();
        await foreach (var update in chat.GetStreamingResponseAsync("Once upon a time", options)) streamed.Add(update);
        var whole = streamed.ToChatResponse();
        Assert.Matches("[a-z]{2,}", whole.Text);
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Length, whole.FinishReason);
    }

    [Fact]
    public async Task The_sdk_embedding_client_gets_a_normalised_vector_per_input()
    {
        var client = new EmbeddingClient("p", OpenAiClients.Key, OpenAiClients.Options(Orchestrator));

        var one = (await client.GenerateEmbeddingAsync("Once upon a time")).Value.ToFloats();
        var many = (await client.GenerateEmbeddingsAsync(["a cat", "a dog", "Once upon a time"])).Value;

        Assert.True(one.Length > 0);
        Assert.Equal(1.0, Math.Sqrt(one.ToArray().Sum(x => (double)x * x)), 3);
        Assert.Equal([0, 1, 2], many.Select(e => e.Index));
        Assert.Equal(one.ToArray(), many[2].ToFloats().ToArray());
    }

    [Fact]
    public async Task The_sdk_model_client_lists_the_pool_with_what_it_serves()
    {
        var client = new OpenAIModelClient(OpenAiClients.Key, OpenAiClients.Options(Orchestrator));

        var models = (await client.GetModelsAsync()).Value;

        var pool = Assert.Single(models, m => m.Id == "p");
        Assert.Equal("llama-orch", pool.OwnedBy);
        var raw = JsonNode.Parse(await Orchestrator.Http.GetStringAsync("/v1/models"))!;
        Assert.Equal(["completion", "embedding"], raw["data"]!.AsArray().Single(m => m!["id"]!.GetValue<string>() == "p")!["workloads"]!.AsArray().Select(w => w!.GetValue<string>()));
    }

    [Fact]
    public async Task Legacy_completions_answer_whole_and_streamed()
    {
        using var whole = await Orchestrator.PostRawAsync("/v1/completions", """{"model":"p","prompt":"Once upon a time","max_tokens":8}""");
        var body = JsonNode.Parse(await whole.Content.ReadAsStringAsync())!;
        Assert.Equal("text_completion", body["object"]!.GetValue<string>());
        Assert.Matches("[a-z]{2,}", body["choices"]![0]!["text"]!.GetValue<string>());
        Assert.Equal("length", body["choices"]![0]!["finish_reason"]!.GetValue<string>());
        Assert.Equal(8, body["usage"]!["completion_tokens"]!.GetValue<int>());

        using var streamed = await Orchestrator.PostRawAsync("/v1/completions", """{"model":"p","prompt":["Once upon a time"],"max_tokens":5,"stream":true}""");
        var lines = (await streamed.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType!.MediaType);
        Assert.Equal("data: [DONE]", lines[^1]);
        var chunks = lines[..^1].Select(l => JsonNode.Parse(l["data: ".Length..])!).ToList();
        Assert.Equal(6, chunks.Count); // five tokens, then the finish
        Assert.Equal("length", chunks[^1]["choices"]![0]!["finish_reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_json_schema_answer_parses_and_validates_against_its_schema()
    {
        const string schemaText = """
            {"type":"object","properties":{"name":{"type":"string","maxLength":12},"age":{"type":"integer"}},"required":["name","age"],"additionalProperties":false}
            """;
        var client = OpenAiClients.Chat(Orchestrator);
        var options = new ChatCompletionOptions
        {
            MaxOutputTokenCount = 200,
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("person", BinaryData.FromString(schemaText), jsonSchemaIsStrict: true),
        };

        var completion = (await client.CompleteChatAsync([new UserChatMessage("Describe a person as JSON.")], options)).Value;

        using var answer = JsonDocument.Parse(completion.Content.Single().Text);
        var result = JsonSchema.FromText(schemaText).Evaluate(answer.RootElement);
        Assert.True(result.IsValid, completion.Content.Single().Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
    }

    [Fact]
    public async Task A_forced_tool_call_parses_into_the_functions_arguments_streaming_and_not()
    {
        const string parameters = """
            {"type":"object","properties":{"city":{"type":"string","maxLength":10},"days":{"type":"integer"}},"required":["city","days"]}
            """;
        var tool = ChatTool.CreateFunctionTool("get_weather", "The weather forecast of a city", BinaryData.FromString(parameters));
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 200, Tools = { tool }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather") };
        var client = OpenAiClients.Chat(Orchestrator);
        ChatMessage[] messages = [new UserChatMessage("What is the weather in Paris?")];

        var completion = (await client.CompleteChatAsync(messages, options)).Value;

        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.False(string.IsNullOrEmpty(call.Id));
        using var arguments = JsonDocument.Parse(call.FunctionArguments);
        Assert.True(JsonSchema.FromText(parameters).Evaluate(arguments.RootElement).IsValid, call.FunctionArguments.ToString());

        var builder = new System.Text.StringBuilder();
        string? name = null;
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options))
        {
            foreach (var part in update.ToolCallUpdates)
            {
                Assert.Equal(0, part.Index);
                name ??= part.FunctionName;
                builder.Append(part.FunctionArgumentsUpdate?.ToString());
            }
            finish ??= update.FinishReason;
        }
        Assert.Equal("get_weather", name);
        Assert.Equal(ChatFinishReason.ToolCalls, finish);
        using var streamedArguments = JsonDocument.Parse(builder.ToString());
        Assert.True(JsonSchema.FromText(parameters).Evaluate(streamedArguments.RootElement).IsValid, builder.ToString());
    }
}
