using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineHost.Protocol.Wire;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// <c>POST /rerank</c> (and llama-server's aliases) {query, documents | texts, top_n}: every document scored against
/// the query by the model's classification head, best first, as llama-server answers when started with
/// <c>--reranking</c>; 501 from an engine started without it.
/// </summary>
internal sealed class RerankEndpoint(ModelHost models)
{
    public static readonly string[] Routes = ["/rerank", "/reranking", "/v1/rerank", "/v1/reranking"];

    public async Task HandleAsync(HttpContext context)
    {
        if (models.Model is not IRerankModel model || !model.CanRerank)
        {
            await ProtocolErrors.WriteNotSupportedAsync(context, "This server does not support reranking. Start it with `--reranking` on a reranking model");
            return;
        }

        var (ok, request) = await ProtocolErrors.ReadBodyAsync(context, EngineJsonContext.Relaxed.RerankRequest);
        if (!ok) return;
        if (Problem(request) is { } problem)
        {
            await ProtocolErrors.WriteBadRequestAsync(context, problem);
            return;
        }

        var tei = request!.Texts is not null;
        var documents = (request.Documents ?? request.Texts)!;
        var results = await PerInputWork.RunAsync(context, documents.Count, i =>
        {
            var (score, tokens) = model.Rerank(request.Query!, documents[i]!);
            return new RerankResult(i, score, tokens);
        });
        if (results is null) return;

        // Best first; equal scores keep the documents' order.
        var best = results.OrderByDescending(r => r.RelevanceScore).Take(request.TopN ?? results.Length).ToArray();
        if (tei)
        {
            var items = Array.ConvertAll(best, r => new TeiRerankResult(r.Index, r.RelevanceScore));
            await context.Response.WriteAsJsonAsync(items, EngineJsonContext.Relaxed.TeiRerankResultArray, contentType: null, context.RequestAborted);
            return;
        }

        var tokensTotal = results.Sum(r => r.TokensEvaluated);
        var reply = new RerankResponse(models.Model.ModelRef, "list", new RerankUsage(tokensTotal, tokensTotal), best);
        await context.Response.WriteAsJsonAsync(reply, EngineJsonContext.Relaxed.RerankResponse, contentType: null, context.RequestAborted);
    }

    private static string? Problem(RerankRequest? request)
    {
        if (request is null) return "the body must be a JSON object";
        if (request.Query is null) return "\"query\" must be provided";
        if (request.Documents is not null && request.Texts is not null) return "give \"documents\" or \"texts\", not both";
        var documents = request.Documents ?? request.Texts;
        if (documents is not { Count: > 0 }) return "\"documents\" must be a non-empty string array";
        if (documents.Count > PerInputWork.MaxInputs) return $"{documents.Count} documents exceed the limit of {PerInputWork.MaxInputs}";
        var missing = documents.IndexOf(null);
        if (missing >= 0) return $"documents[{missing}] must be a string";
        if (request.TopN is < 1) return "\"top_n\" must be at least 1";
        return null;
    }
}
