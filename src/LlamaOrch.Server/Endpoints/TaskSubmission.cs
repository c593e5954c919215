using System.Buffers;
using System.Text.Json;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

/// <summary><c>POST /v1/tasks</c>: read the body within limits, validate it, admit it, answer 202 or the envelope.</summary>
internal static class TaskSubmission
{
    public static async Task HandleAsync(HttpContext context, AdmissionService admission, AdmissionLimits limits)
    {
        var request = context.Request;
        if (request.ContentType is { } contentType && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status415UnsupportedMediaType,
                new ErrorEnvelope(ErrorCodes.InvalidParams, $"body: content type '{contentType}' is not JSON (send application/json)"));
            return;
        }

        var body = await ReadLimitedAsync(request, limits.MaxBodyBytes, context.RequestAborted);
        if (body is null)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                new ErrorEnvelope(ErrorCodes.InvalidParams, $"body: larger than the limit of {limits.MaxBodyBytes} bytes (Orchestrator:Limits:MaxBodyBytes)"));
            return;
        }

        if (Parse(body, out var parsed) is { } parseError)
        {
            await ErrorResponses.WriteAsync(context, parseError);
            return;
        }

        var withDefaults = admission.WithDefaults(parsed!, out var rejection);
        TaskSpec? spec = null;
        rejection ??= TaskRequestValidator.Validate(withDefaults, limits, out spec);
        rejection ??= await admission.CheckContextFitAsync(spec!, context.RequestAborted);
        var outcome = rejection is null ? admission.Submit(spec!, CorrelationIdMiddleware.Of(context)) : default;
        rejection ??= outcome.Rejection;
        if (rejection is not null)
        {
            await ErrorResponses.WriteAsync(context, rejection, KnownEngine(withDefaults.Engine));
            return;
        }

        var task = outcome.Task!;
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.Headers.Location = $"/v1/tasks/{Uri.EscapeDataString(task.Id)}/stream";
        await context.Response.WriteAsJsonAsync(
            new AdmissionResponse(task.Id, task.AdmissionQueuePosition, task.PredictedStartMs, outcome.BackoffMs, task.Spec.Seed, task.PoolId, task.Spec.SessionId),
            ContractsJsonContext.Default.AdmissionResponse);
    }

    /// <summary>The task's engine for an error envelope, when the body named (or defaulted to) a real one.</summary>
    private static string? KnownEngine(string? engine) => engine is not null && WireNames.Engines.ContainsKey(engine) ? engine : null;

    /// <summary>The whole body, or null when it is larger than <paramref name="limit"/> bytes.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(4096), cancellationToken);
            if (read == 0) return buffer.WrittenSpan.ToArray();
            buffer.Advance(read);
            if (buffer.WrittenCount > limit) return null;
        }
    }

    private static Rejection? Parse(byte[] body, out TaskRequestBody? parsed)
    {
        parsed = null;
        if (body.Length == 0) return Rejection.InvalidParams("body", "empty; send a JSON task object");
        try
        {
            parsed = JsonSerializer.Deserialize(body, ContractsJsonContext.Default.TaskRequestBody);
        }
        catch (JsonException error)
        {
            return Rejection.InvalidParams(FieldOf(error.Path), Describe(error));
        }
        return parsed is null ? Rejection.InvalidParams("body", "must be a JSON object, not null") : null;
    }

    /// <summary>"$.placement.mode" → "placement.mode"; the whole body when the error has no field.</summary>
    private static string FieldOf(string? path) =>
        path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string Describe(JsonException error)
    {
        var where = error.BytePositionInLine is { } position ? $" (line {error.LineNumber + 1}, byte {position + 1})" : string.Empty;
        // The serializer's message names CLR types; say what the wire expects instead.
        return error.Path is null or "$"
            ? $"malformed JSON{where}"
            : $"has the wrong JSON type or is malformed{where}";
    }
}
