using System.Text.Json.Nodes;
using LlamaOrch.EndToEnd.Tests;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.Pact.Tests.Provider;

/// <summary>
/// The provider-state endpoint the verifier calls around each interaction, on 127.0.0.1: it reads
/// <c>{"state", "params", "action"}</c>, runs <see cref="ProviderStates"/>' handler for it, and answers the values the
/// handler made (the verifier puts them where the pact asks for <c>${name}</c>). A handler that fails answers 500 with
/// its reason, which the verifier reports against the interaction.
/// </summary>
internal sealed class ProviderStateServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProviderStateServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<ProviderStateServer> StartAsync(ProviderStates states)
    {
        var (app, address) = await LoopbackApp.StartAsync(app => app.MapPost("/provider-states", async (HttpContext context) =>
        {
            var body = (await JsonNode.ParseAsync(context.Request.Body))?.AsObject() ?? [];
            var state = body["state"]?.GetValue<string>() ?? "";
            var parameters = body["params"] as JsonObject ?? [];
            var teardown = body["action"]?.GetValue<string>() == "teardown";
            try
            {
                var values = teardown ? await states.TearDownAsync(state, parameters) : await states.SetUpAsync(state, parameters);
                return Results.Text((values ?? []).ToJsonString(), "application/json");
            }
            catch (Exception error) when (error is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
            {
                states.Log($"state '{state}' ({(teardown ? "teardown" : "setup")}) failed: {error}");
                return Results.Text(new JsonObject { ["error"] = error.Message }.ToJsonString(), "application/json", statusCode: 500);
            }
        }));
        return new ProviderStateServer(app, new Uri(address, "provider-states"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
