using System.Text;
using System.Text.Json;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.OpenAi;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary><c>POST /v1/completions</c>: the legacy text completion, one prompt, streamed as <c>text_completion</c> chunks or answered whole.</summary>
internal static class Completions
{
    public static async Task HandleAsync(HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        if (await JsonBody.ReadAsync(context, OpenAiJsonContext.Default.CompletionRequest, "a completion request {\"model\":…,\"prompt\":\"…\"}") is not { } request) return;
        if (Read(request, out var prompt, out var stop) is { } invalid)
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
            Prompt = prompt,
            MaxTokens = request.MaxTokens,
            Seed = request.Seed,
            Stop = stop,
            SamplerProfileVersion = profile,
            Sampling = sampling,
        };
        if (await OpenAiTaskFields.RefusedUnknownModelAsync(context, admission, admission.WithDefaults(body, out _), request.Model)) return;
        using var task = await DoorTask.AdmitAsync(context, body, admission, limits, metrics);
        if (task is null) return;

        var id = "cmpl-" + task.Task.Id;
        var created = OpenAiTaskFields.Now();
        var model = task.EchoedModel(request.Model);
        try
        {
            if (request.Stream == true) await StreamAsync(context, task, id, created, model, request.StreamOptions?.IncludeUsage == true);
            else await AnswerAsync(context, task, id, created, model);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; its task was canceled when it did.
        }
    }

    private static Rejection? Read(CompletionRequest request, out string prompt, out List<string> stop)
    {
        prompt = string.Empty;
        stop = [];
        if (request.N is { } n && n != 1) return Rejection.InvalidParams("n", $"{n} is not supported: one choice per request");
        if (request.BestOf is { } bestOf && bestOf != 1) return Rejection.InvalidParams("best_of", "is not supported (only 1)");
        if (request.Logprobs is not null) return Rejection.InvalidParams("logprobs", "log probabilities are not supported");
        if (request.Echo == true) return Rejection.InvalidParams("echo", "is not supported");
        if (!string.IsNullOrEmpty(request.Suffix)) return Rejection.InvalidParams("suffix", "is not supported");
        if (request.LogitBias is { ValueKind: JsonValueKind.Object } bias && bias.EnumerateObject().Any()) return Rejection.InvalidParams("logit_bias", "is not supported");
        if (request.FrequencyPenalty is { } frequency && frequency != 0) return Rejection.InvalidParams("frequency_penalty", "is not supported (only 0)");
        if (request.PresencePenalty is { } presence && presence != 0) return Rejection.InvalidParams("presence_penalty", "is not supported (only 0)");
        switch (request.Prompt)
        {
            case { ValueKind: JsonValueKind.String } text:
                prompt = text.GetString()!;
                break;
            case { ValueKind: JsonValueKind.Array } array when array.GetArrayLength() == 1 && array[0].ValueKind == JsonValueKind.String:
                prompt = array[0].GetString()!;
                break;
            case { ValueKind: JsonValueKind.Array }:
                return Rejection.InvalidParams("prompt", "an array must hold exactly one string (token arrays and batches are not supported)");
            default:
                return Rejection.InvalidParams("prompt", "required: a string, or an array of one string");
        }
        return OpenAiTaskFields.ReadStop(request.Stop, out stop);
    }

    private static async Task AnswerAsync(HttpContext context, DoorTask task, string id, long created, string model)
    {
        var text = new StringBuilder();
        while (await task.NextAsync())
        {
            foreach (var record in task.Batch)
            {
                switch (record.Kind)
                {
                    case TaskEventKind.Token:
                        text.Append(record.Text);
                        break;
                    case TaskEventKind.Error:
                        var error = (ErrorEnvelope)record.Payload!;
                        await OpenAiErrors.WriteAsync(context, error);
                        return;
                    case TaskEventKind.End when ((EndFrame)record.Payload!).Canceled:
                        await OpenAiErrors.WriteAsync(context, DoorTask.CanceledByOthers);
                        return;
                    case TaskEventKind.End:
                        var end = (EndFrame)record.Payload!;
                        var completion = new Completion(id, created, model, [new CompletionChoice(text.ToString(), 0, OpenAiTaskFields.FinishReasonOf(end.StopReason))], UsageOf(end));
                        await context.Response.WriteAsJsonAsync(completion, OpenAiJsonContext.Default.Completion, contentType: "application/json", context.RequestAborted);
                        return;
                }
            }
        }
    }

    private static async Task StreamAsync(HttpContext context, DoorTask task, string id, long created, string model, bool includeUsage)
    {
        using var sse = await SseJsonWriter.StartAsync(context);
        while (await task.NextAsync())
        {
            sse.KeepAlive(task);
            foreach (var record in task.Batch)
            {
                switch (record.Kind)
                {
                    case TaskEventKind.Token:
                        sse.Write(new Completion(id, created, model, [new CompletionChoice(record.Text!, 0, null)]), OpenAiJsonContext.Default.Completion);
                        break;
                    case TaskEventKind.End when ((EndFrame)record.Payload!).Canceled:
                        OpenAiErrors.WriteEvent(sse, DoorTask.CanceledByOthers);
                        break;
                    case TaskEventKind.End:
                        var end = (EndFrame)record.Payload!;
                        sse.Write(new Completion(id, created, model, [new CompletionChoice(string.Empty, 0, OpenAiTaskFields.FinishReasonOf(end.StopReason))]), OpenAiJsonContext.Default.Completion);
                        if (includeUsage) sse.Write(new Completion(id, created, model, [], UsageOf(end)), OpenAiJsonContext.Default.Completion);
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

    private static Usage UsageOf(EndFrame end) =>
        new(end.TokensIn, end.TokensOut, end.TokensIn + end.TokensOut, new PromptTokensDetails(end.TokensCached ?? 0));
}
