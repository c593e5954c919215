using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.OpenAi;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary><c>POST /v1/rerank</c> in llama-server's and Jina's shape: a rerank task, its scores sorted most relevant first.</summary>
internal static class Rerank
{
    public static async Task HandleAsync(HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        if (await JsonBody.ReadAsync(context, OpenAiJsonContext.Default.RerankRequest, "a rerank request {\"model\":…,\"query\":\"…\",\"documents\":[…]}") is not { } request) return;
        Rejection? invalid = request switch
        {
            { Query: null } => Rejection.InvalidParams("query", "required"),
            { Documents: not { Count: > 0 } } => Rejection.InvalidParams("documents", "required: a non-empty array of strings"),
            { TopN: <= 0 } => Rejection.InvalidParams("top_n", "must be positive"),
            _ => null,
        };
        if (invalid is not null)
        {
            await OpenAiErrors.WriteAsync(context, invalid);
            return;
        }

        var body = OpenAiTaskFields.Base(context, WireNames.Of(Workload.Rerank), request.Model, user: null, request.Priority) with
        {
            Prompt = request.Query,
            Inputs = request.Documents,
        };
        if (await OpenAiTaskFields.RefusedUnknownModelAsync(context, admission, admission.WithDefaults(body, out _), request.Model)) return;
        using var task = await DoorTask.AdmitAsync(context, body, admission, limits, metrics);
        if (task is null) return;

        var scores = new List<ScoreFrame>(request.Documents!.Count);
        try
        {
            while (await task.NextAsync())
            {
                foreach (var record in task.Batch)
                {
                    switch (record.Kind)
                    {
                        case TaskEventKind.Score:
                            scores.Add((ScoreFrame)record.Payload!);
                            break;
                        case TaskEventKind.Error:
                            var error = (ErrorEnvelope)record.Payload!;
                            await OpenAiErrors.WriteAsync(context, error);
                            return;
                        case TaskEventKind.End:
                            var results = scores.OrderBy(s => s.Rank).Take(request.TopN ?? scores.Count)
                                .Select(s => new RerankResult(s.I, s.Score, request.ReturnDocuments == true ? new RerankDocument(request.Documents[s.I]) : null))
                                .ToList();
                            var tokens = scores.Sum(s => s.Tokens);
                            await context.Response.WriteAsJsonAsync(new RerankResponse(task.EchoedModel(request.Model), results, new EmbeddingUsage(tokens, tokens)),
                                OpenAiJsonContext.Default.RerankResponse, contentType: "application/json", context.RequestAborted);
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
}
