using LlamaOrch.Contracts.Anthropic;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Chat;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints.Anthropic;

/// <summary>
/// <c>POST /v1/messages</c>: the request rendered and admitted as a task (<see cref="TaskAdmission"/>), its events
/// read as objects and written back as one Anthropic message or as Anthropic's event stream. A client that leaves
/// cancels the task, which frees its slot at once.
/// </summary>
internal static class MessagesEndpoint
{
    private const string Example = "a Messages request: {\"model\", \"max_tokens\", \"messages\": [{\"role\": \"user\", \"content\": \"…\"}]}";

    public static async Task HandleAsync(HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        if (await JsonBody.ReadAsync(context, AnthropicJsonContext.Default.MessagesRequest, Example) is not { } request) return;
        TaskRequestBody? body = null;
        AnthropicPrompt? prompt = null;
        // max_tokens first: Anthropic's required field is named before anything about the model.
        var problem = request.MaxTokens is null ? Rejection.InvalidParams("max_tokens", "required: the most tokens to generate") : null;
        problem ??= AnthropicPrompt.Render(request, admission, out prompt);
        problem ??= AnthropicTaskBody.Build(context, request, prompt!, out body);
        if (problem is not null)
        {
            await ErrorResponses.WriteAsync(context, problem);
            return;
        }

        using var task = await DoorTask.AdmitAsync(context, body!, admission, limits, metrics);
        if (task is null) return;
        var parser = prompt!.ParsesToolCalls ? new ToolCallStreamParser(prompt.Rendered.ToolCallFormat) : null;
        var answer = new Answer(task, request.Model!, request.StopSequences);
        try
        {
            if (request.Stream == true) await StreamAsync(context, answer, new MessageAssembler(parser, streaming: true));
            else await RespondAsync(context, answer, new MessageAssembler(parser, streaming: false));
        }
        catch (Exception error) when (error is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            // The client left; DoorTask has cancelled the task.
        }
    }

    private sealed record Answer(DoorTask Task, string Model, IReadOnlyList<string>? StopSequences)
    {
        public string MessageId { get; } = "msg_" + Task.Task.Id.Replace("-", string.Empty, StringComparison.Ordinal);
    }

    private static async Task RespondAsync(HttpContext context, Answer answer, MessageAssembler assembler)
    {
        EndFrame? end = null;
        ErrorEnvelope? failure = null;
        while (end is null && failure is null && await answer.Task.NextAsync())
            (end, failure) = Apply(answer.Task.Batch, assembler);
        if (context.RequestAborted.IsCancellationRequested) return;
        if (Failure(end, failure) is { } error)
        {
            await ErrorResponses.WriteAsync(context, ErrorResponses.StatusOf(error.Code), error);
            return;
        }

        assembler.Finish();
        var (stopReason, stopSequence) = assembler.StopOf(end!, answer.StopSequences);
        await context.Response.WriteAsJsonAsync(
            new MessageResponse(answer.MessageId, "message", "assistant", answer.Model, assembler.Content(), stopReason, stopSequence, UsageOf(end!)),
            AnthropicJsonContext.Default.MessageResponse, contentType: "application/json", context.RequestAborted);
    }

    private static async Task StreamAsync(HttpContext context, Answer answer, MessageAssembler assembler)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var output = response.BodyWriter;
        AnthropicSse.Write(output, new MessageStartEvent("message_start",
            new MessageResponse(answer.MessageId, "message", "assistant", answer.Model, [], null, null, new MessageUsage(0, 0, 0, 0))));
        AnthropicSse.Write(output, Ping);
        await output.FlushAsync(context.RequestAborted);

        EndFrame? end = null;
        ErrorEnvelope? failure = null;
        while (end is null && failure is null && await answer.Task.NextAsync())
        {
            (end, failure) = Apply(answer.Task.Batch, assembler);
            if (end is null && failure is null && answer.Task.Batch.Count == 0 && !answer.Task.Closed) AnthropicSse.Write(output, Ping); // woken by the keep-alive pulse
            foreach (var streamEvent in assembler.TakeEvents()) AnthropicSse.Write(output, streamEvent);
            await output.FlushAsync(context.RequestAborted);
        }
        if (context.RequestAborted.IsCancellationRequested) return;

        if (Failure(end, failure) is { } error)
        {
            // Anthropic ends a failed stream with an error event and no message_stop.
            AnthropicSse.Write(output, AnthropicErrors.Of(ErrorResponses.StatusOf(error.Code), error));
            await output.FlushAsync(context.RequestAborted);
            return;
        }
        assembler.Finish();
        foreach (var streamEvent in assembler.TakeEvents()) AnthropicSse.Write(output, streamEvent);
        var (stopReason, stopSequence) = assembler.StopOf(end!, answer.StopSequences);
        AnthropicSse.Write(output, new MessageDeltaEvent("message_delta", new MessageDelta(stopReason, stopSequence), UsageOf(end!)));
        AnthropicSse.Write(output, new BareEvent("message_stop"));
        await output.FlushAsync(context.RequestAborted);
    }

    private static readonly BareEvent Ping = new("ping");

    /// <summary>Feeds the tokens to the assembler; the task's last event, when it is among these.</summary>
    private static (EndFrame? End, ErrorEnvelope? Failure) Apply(List<TaskEventRecord> events, MessageAssembler assembler)
    {
        foreach (var record in events)
        {
            switch (record.Kind)
            {
                case TaskEventKind.Token when record.Text is { } text:
                    assembler.Push(text);
                    break;
                case TaskEventKind.End:
                    return ((EndFrame)record.Payload!, null);
                case TaskEventKind.Error:
                    return (null, (ErrorEnvelope)record.Payload!);
            }
        }
        return (null, null);
    }

    /// <summary>
    /// The error to answer with: the task's failure, or its cancellation by someone other than this client (an
    /// operator's cancel, a drain): the answer was cut short, so it is not passed off as complete.
    /// </summary>
    private static ErrorEnvelope? Failure(EndFrame? end, ErrorEnvelope? failure) =>
        failure ?? (end is null or { Canceled: true } ? DoorTask.CanceledByOthers : null);

    /// <summary>Anthropic counts cache reads apart from <c>input_tokens</c>: together they are the whole prompt.</summary>
    private static MessageUsage UsageOf(EndFrame end)
    {
        var cached = end.TokensCached ?? 0;
        return new MessageUsage(Math.Max(end.TokensIn - cached, 0), end.TokensOut, cached, 0);
    }
}
