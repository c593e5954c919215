using LlamaOrch.EngineHost.Generation;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>Maps llama-server's routes onto the endpoints, behind the loading gate.</summary>
internal static class EngineEndpoints
{
    public static void MapEngineEndpoints(this WebApplication app)
    {
        var models = app.Services.GetRequiredService<ModelHost>();
        // llama-server answers every route with 503 while the model loads; supervisors poll /health for it.
        app.Use((context, next) => models.IsLoaded
            ? next(context)
            : ProtocolErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ProtocolErrors.Unavailable, "Loading model"));

        app.MapGet("/health", HealthEndpoint.HandleAsync);
        app.MapGet("/props", app.Services.GetRequiredService<PropsEndpoint>().HandleAsync);
        app.MapGet("/slots", app.Services.GetRequiredService<SlotsEndpoint>().HandleAsync);
        app.MapPost(SlotActionEndpoint.Route, app.Services.GetRequiredService<SlotActionEndpoint>().HandleAsync);
        app.MapGet("/metrics", app.Services.GetRequiredService<MetricsEndpoint>().HandleAsync);
        app.MapPost("/tokenize", app.Services.GetRequiredService<TokenizeEndpoint>().HandleAsync);
        app.MapPost("/completion", app.Services.GetRequiredService<CompletionEndpoint>().HandleAsync);
        app.MapPost("/embedding", app.Services.GetRequiredService<EmbeddingEndpoint>().HandleAsync);
        var rerank = app.Services.GetRequiredService<RerankEndpoint>();
        foreach (var route in RerankEndpoint.Routes) app.MapPost(route, rerank.HandleAsync);
        // llama-server answers an unknown route, and a known one with another method, 404 in its error envelope: a client
        // that reads that envelope reads every refusal, where an empty 404 or 405 had no message.
        app.MapFallback("{*path}", context => ProtocolErrors.WriteAsync(context, StatusCodes.Status404NotFound, ProtocolErrors.NotFound, "File Not Found"));
    }
}
