using System.Runtime.InteropServices;
using System.Text.Json;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.OpenAi;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary><c>POST /v1/embeddings</c>: one embedding task for all inputs, each vector as floats or base64 (little-endian float32).</summary>
internal static class Embeddings
{
    public static async Task HandleAsync(HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        if (await JsonBody.ReadAsync(context, OpenAiJsonContext.Default.EmbeddingRequest, "an embedding request {\"model\":…,\"input\":\"…\"}") is not { } request) return;
        if (Read(request, out var inputs, out var base64) is { } invalid)
        {
            await OpenAiErrors.WriteAsync(context, invalid);
            return;
        }

        var body = OpenAiTaskFields.Base(context, WireNames.Of(Workload.Embedding), request.Model, request.User, request.Priority) with { Inputs = inputs };
        if (await OpenAiTaskFields.RefusedUnknownModelAsync(context, admission, admission.WithDefaults(body, out _), request.Model)) return;
        using var task = await DoorTask.AdmitAsync(context, body, admission, limits, metrics);
        if (task is null) return;

        var vectors = new float[inputs.Count][];
        var tokens = 0;
        try
        {
            while (await task.NextAsync())
            {
                foreach (var record in task.Batch)
                {
                    switch (record.Kind)
                    {
                        case TaskEventKind.Embedding:
                            var frame = (EmbeddingFrame)record.Payload!;
                            vectors[frame.I] = frame.Embedding;
                            tokens += frame.Tokens;
                            break;
                        case TaskEventKind.Error:
                            var error = (ErrorEnvelope)record.Payload!;
                            await OpenAiErrors.WriteAsync(context, error);
                            return;
                        case TaskEventKind.End:
                            await WriteAsync(context, task.EchoedModel(request.Model), vectors, tokens, base64);
                            return;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; its task was canceled when it did.
        }
    }

    private static Rejection? Read(EmbeddingRequest request, out List<string> inputs, out bool base64)
    {
        inputs = [];
        base64 = request.EncodingFormat == "base64";
        if (request.EncodingFormat is not (null or "float" or "base64")) return Rejection.InvalidParams("encoding_format", "must be float or base64");
        if (request.Dimensions is not null) return Rejection.InvalidParams("dimensions", "is not supported: the model's vectors have the size they have");
        switch (request.Input)
        {
            case { ValueKind: JsonValueKind.String } text:
                inputs.Add(text.GetString()!);
                return null;
            case { ValueKind: JsonValueKind.Array } array when array.GetArrayLength() > 0:
                foreach (var item in array.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.String) return Rejection.InvalidParams("input", "must be a string or an array of strings (token arrays are not supported)");
                    inputs.Add(item.GetString()!);
                }
                return null;
            default:
                return Rejection.InvalidParams("input", "required: a string or a non-empty array of strings");
        }
    }

    private static Task WriteAsync(HttpContext context, string model, float[][] vectors, int tokens, bool base64)
    {
        var usage = new EmbeddingUsage(tokens, tokens);
        if (!base64)
            return context.Response.WriteAsJsonAsync(new EmbeddingList<float[]>(vectors.Select((v, i) => new EmbeddingItem<float[]>(i, v)).ToList(), model, usage),
                OpenAiJsonContext.Default.EmbeddingListSingleArray, contentType: "application/json", context.RequestAborted);
        // OpenAI's base64 is the float32 array's bytes, little-endian.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("base64 embeddings need a little-endian machine");
        var items = vectors.Select((v, i) => new EmbeddingItem<string>(i, Convert.ToBase64String(MemoryMarshal.AsBytes(v.AsSpan())))).ToList();
        return context.Response.WriteAsJsonAsync(new EmbeddingList<string>(items, model, usage),
            OpenAiJsonContext.Default.EmbeddingListString, contentType: "application/json", context.RequestAborted);
    }
}
