using System.Text;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.OpenAi;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Chat;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary>
/// <c>POST /v1/chat/completions</c>: the conversation rendered with the model's template (or the ChatML fallback), tools
/// and response formats as grammars, one completion task through the one admission path, its events written as
/// OpenAI's chat completion or its chunk stream.
/// </summary>
internal static class ChatCompletions
{
    public static async Task HandleAsync(HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        if (await JsonBody.ReadAsync(context, OpenAiJsonContext.Default.ChatCompletionRequest, "a chat completion request {\"model\":…,\"messages\":[…]}") is not { } request) return;
        if (ChatRequestReader.Read(request, out var chat) is { } invalid)
        {
            await OpenAiErrors.WriteAsync(context, invalid);
            return;
        }

        if (OpenAiTaskFields.Sampling(request.Temperature, request.TopP, out var profile, out var sampling) is { } badSampling)
        {
            await OpenAiErrors.WriteAsync(context, badSampling);
            return;
        }

        var body = OpenAiTaskFields.Base(context, WireNames.Of(Workload.Completion), request.Model, request.User, request.Priority) with
        {
            MaxTokens = chat.MaxTokens,
            Seed = request.Seed,
            SamplerProfileVersion = profile,
            Sampling = sampling,
        };
        // The template is the model's, so the model is resolved (as admission will) before rendering.
        var resolved = admission.WithDefaults(body, out _);
        if (await OpenAiTaskFields.RefusedUnknownModelAsync(context, admission, resolved, request.Model)) return;
        var facts = resolved.ModelRef is { } model && resolved.Engine is { } engineName && WireNames.Engines.TryGetValue(engineName, out var engine)
            ? admission.ChatTemplateOf(model, engine)
            : null;

        ChatPrompt prompt;
        string? grammar;
        try
        {
            prompt = ChatPromptRenderer.Render(facts, chat.Messages, chat.Tools.Count > 0 ? chat.Tools : null);
            grammar = chat.Grammar ?? (chat.ParsesToolCalls ? ToolCallGrammar.For(prompt.ToolCallFormat, chat.Tools, chat.ToolChoice) : null);
        }
        catch (ChatTemplateException error)
        {
            await OpenAiErrors.InvalidAsync(context, "messages", $"the model's chat template cannot render them: {error.Message}");
            return;
        }
        catch (JsonSchemaGrammarException error)
        {
            await OpenAiErrors.InvalidAsync(context, "tools", $"a function's parameters cannot be enforced: {error.Message}");
            return;
        }

        // The task's stop list holds the template's strings too: the limit is named for what the client sent.
        var templateStops = prompt.Stop.Except(chat.Stop).ToList();
        if (chat.Stop.Count > TaskRequestValidator.MaxStopSequences - templateStops.Count)
        {
            await OpenAiErrors.InvalidAsync(context, "stop", $"at most {TaskRequestValidator.MaxStopSequences - templateStops.Count} strings for this model (its chat template adds {templateStops.Count})");
            return;
        }
        body = body with { Prompt = prompt.Prompt, Stop = [.. chat.Stop, .. templateStops], Grammar = grammar };
        using var task = await DoorTask.AdmitAsync(context, body, admission, limits, metrics);
        if (task is null) return;

        var answer = new ChatAnswer("chatcmpl-" + task.Task.Id, OpenAiTaskFields.Now(), task.EchoedModel(request.Model),
            chat.ParsesToolCalls ? new ToolCallStreamParser(prompt.ToolCallFormat) : null);
        try
        {
            if (chat.Stream) await StreamAsync(context, task, answer, chat.IncludeUsage);
            else await AnswerAsync(context, task, answer);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; its task was canceled when it did.
        }
    }

    private static async Task AnswerAsync(HttpContext context, DoorTask task, ChatAnswer answer)
    {
        var text = new StringBuilder();
        var calls = new SortedDictionary<int, (string Id, string Name, StringBuilder Arguments)>();
        var deltas = new List<ChatDelta>();
        while (await task.NextAsync())
        {
            foreach (var record in task.Batch)
            {
                switch (record.Kind)
                {
                    case TaskEventKind.Token:
                        answer.Push(record.Text!, deltas);
                        break;
                    case TaskEventKind.End when ((EndFrame)record.Payload!).Canceled:
                        await OpenAiErrors.WriteAsync(context, DoorTask.CanceledByOthers);
                        return;
                    case TaskEventKind.End:
                        answer.Finish(deltas);
                        break;
                    case TaskEventKind.Error:
                        var error = (ErrorEnvelope)record.Payload!;
                        await OpenAiErrors.WriteAsync(context, error);
                        return;
                    default:
                        continue;
                }
                foreach (var delta in deltas)
                {
                    if (delta.Content is { } content) text.Append(content);
                    if (delta.ToolCall is not { } call) continue;
                    if (!calls.TryGetValue(call.Index, out var known))
                        calls[call.Index] = known = (call.Id ?? $"call_{call.Index}", call.Name ?? string.Empty, new StringBuilder());
                    known.Arguments.Append(call.ArgumentsFragment);
                }
                deltas.Clear();
                if (record.Kind != TaskEventKind.End) continue;

                var end = (EndFrame)record.Payload!;
                var toolCalls = calls.Count == 0 ? null
                    : calls.Values.Select(c => new ToolCallBody(c.Id, "function", new FunctionCallBody(c.Name, c.Arguments.ToString()))).ToList();
                var message = new AssistantMessage(toolCalls is not null && text.Length == 0 ? null : text.ToString(), toolCalls);
                var completion = new ChatCompletion(answer.Id, answer.Created, answer.Model,
                    [new ChatChoice(0, message, toolCalls is not null ? "tool_calls" : OpenAiTaskFields.FinishReasonOf(end.StopReason))], UsageOf(end));
                await context.Response.WriteAsJsonAsync(completion, OpenAiJsonContext.Default.ChatCompletion, contentType: "application/json", context.RequestAborted);
                return;
            }
        }
    }

    private static async Task StreamAsync(HttpContext context, DoorTask task, ChatAnswer answer, bool includeUsage)
    {
        using var sse = await SseJsonWriter.StartAsync(context);
        sse.Write(answer.Chunk(new ChunkDelta("assistant", string.Empty, null), null), OpenAiJsonContext.Default.ChatCompletionChunk);
        await sse.FlushAsync(context.RequestAborted);

        var deltas = new List<ChatDelta>();
        while (await task.NextAsync())
        {
            sse.KeepAlive(task);
            foreach (var record in task.Batch)
            {
                switch (record.Kind)
                {
                    case TaskEventKind.Token:
                        answer.Push(record.Text!, deltas);
                        WriteDeltas(sse, answer, deltas);
                        break;
                    case TaskEventKind.End when ((EndFrame)record.Payload!).Canceled:
                        answer.Finish(deltas);
                        WriteDeltas(sse, answer, deltas);
                        OpenAiErrors.WriteEvent(sse, DoorTask.CanceledByOthers);
                        break;
                    case TaskEventKind.End:
                        answer.Finish(deltas);
                        WriteDeltas(sse, answer, deltas);
                        var end = (EndFrame)record.Payload!;
                        var finish = answer.CalledTools ? "tool_calls" : OpenAiTaskFields.FinishReasonOf(end.StopReason);
                        sse.Write(answer.Chunk(new ChunkDelta(null, null, null), finish), OpenAiJsonContext.Default.ChatCompletionChunk);
                        if (includeUsage)
                            sse.Write(new ChatCompletionChunk(answer.Id, answer.Created, answer.Model, [], UsageOf(end)), OpenAiJsonContext.Default.ChatCompletionChunk);
                        sse.Done();
                        break;
                    case TaskEventKind.Error:
                        OpenAiErrors.WriteEvent(sse, (ErrorEnvelope)record.Payload!);
                        break;
                }
            }
            await sse.FlushAsync(context.RequestAborted);
        }
    }

    private static void WriteDeltas(SseJsonWriter sse, ChatAnswer answer, List<ChatDelta> deltas)
    {
        foreach (var delta in deltas)
        {
            var chunk = delta.ToolCall is { } call
                ? new ChunkDelta(null, null, [new ToolCallDeltaBody(call.Index, call.Id, call.Id is null ? null : "function", new FunctionCallBody(call.Name, call.ArgumentsFragment ?? string.Empty))])
                : new ChunkDelta(null, delta.Content, null);
            sse.Write(answer.Chunk(chunk, null), OpenAiJsonContext.Default.ChatCompletionChunk);
        }
        deltas.Clear();
    }

    private static Usage UsageOf(EndFrame end) =>
        new(end.TokensIn, end.TokensOut, end.TokensIn + end.TokensOut, new PromptTokensDetails(end.TokensCached ?? 0));

    /// <summary>One answer's identity and its output split into text and tool calls (by the parser, when tools may be called).</summary>
    private sealed class ChatAnswer(string id, long created, string model, ToolCallStreamParser? parser)
    {
        public string Id { get; } = id;
        public long Created { get; } = created;
        public string Model { get; } = model;
        public bool CalledTools { get; private set; }

        public void Push(string text, List<ChatDelta> deltas)
        {
            if (parser is null) deltas.Add(new ChatDelta(text, null));
            else parser.Push(text, deltas);
            CalledTools |= deltas.Any(d => d.ToolCall is not null);
        }

        public void Finish(List<ChatDelta> deltas)
        {
            parser?.Finish(deltas);
            CalledTools |= deltas.Any(d => d.ToolCall is not null);
        }

        public ChatCompletionChunk Chunk(ChunkDelta delta, string? finishReason) => new(Id, Created, Model, [new ChunkChoice(0, delta, finishReason)]);
    }
}
