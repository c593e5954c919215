using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineProtocol.Wire;

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

        var (ok, request) = await ProtocolErrors.ReadBodyAsync(context, LlamaCppJsonContext.Relaxed.RerankRequest);
        if (!ok) return;
        if (Problem(request) is { } problem)
        {
            await ProtocolErrors.WriteBadRequestAsync(context, problem);
            return;
        }

        var tei = request!.Texts is not null;
        var documents = (request.Documents ?? request.Texts)!;
        var scored = await PerInputWork.RunAsync(context, documents.Count, i => model.Rerank(request.Query!, documents[i]!));
        if (scored is null) return;

        // Best first; equal scores keep the documents' order.
        var best = Enumerable.Range(0, scored.Length).OrderByDescending(i => scored[i].Score).Take(request.TopN ?? scored.Length).ToArray();
        if (tei)
        {
            var items = Array.ConvertAll(best, i => new TeiRerankResult(i, scored[i].Score));
            await context.Response.WriteAsJsonAsync(items, LlamaCppJsonContext.Relaxed.TeiRerankResultArray, contentType: null, context.RequestAborted);
            return;
        }

        var tokensTotal = scored.Sum(s => s.Tokens);
        var results = Array.ConvertAll(best, i => new RerankResult(i, scored[i].Score, scored[i].Tokens));
        var reply = new RerankResponse(models.Model.ModelRef, "list", new RerankUsage(tokensTotal, tokensTotal), results);
        await context.Response.WriteAsJsonAsync(reply, LlamaCppJsonContext.Relaxed.RerankResponse, contentType: null, context.RequestAborted);
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
