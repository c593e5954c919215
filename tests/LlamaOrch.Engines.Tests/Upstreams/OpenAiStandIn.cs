using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>
/// A stand-in for an OpenAI-compatible server, answering OpenAI's documented streaming format for
/// <c>/v1/completions</c> (chunks of <c>choices[].text</c>, a last chunk with <c>usage</c> when
/// <c>stream_options.include_usage</c> is set, then <c>data: [DONE]</c>), <c>/v1/embeddings</c> and <c>/v1/models</c>;
/// or misbehaving on demand.
/// </summary>
internal sealed class OpenAiStandIn : StandInServer
{
    public List<string> CompletionBodies => Bodies;

    /// <param name="certificate">Serve https with this certificate; null for http.</param>
    public static Task<OpenAiStandIn> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null) =>
        StartAsync(new OpenAiStandIn(), certificate);

    protected override void Map(WebApplication app)
    {
        app.MapGet("/v1/models", () => Results.Text("""{"object":"list","data":[{"id":"tiny","object":"model","owned_by":"vllm","max_model_len":2048}]}""", "application/json"));
        app.MapPost("/v1/embeddings", () => Results.Text(
            """{"object":"list","data":[{"object":"embedding","index":1,"embedding":[0.0,1.0]},{"object":"embedding","index":0,"embedding":[1.0,0.0]}],"model":"tiny","usage":{"prompt_tokens":4,"total_tokens":4}}""",
            "application/json"));
        app.MapPost("/v1/completions", CompleteAsync);
    }

    private async Task CompleteAsync(HttpContext context)
    {
        await ReadBodyAsync(context);
        BeginEvents(context);
        await SendAsync(context, """{"id":"cmpl-1","object":"text_completion","created":1,"model":"tiny","choices":[{"index":0,"text":"Once","logprobs":null,"finish_reason":null}]}""");
        if (await MisbehaveAsync(context)) return;
        await SendAsync(context, """{"id":"cmpl-1","object":"text_completion","created":1,"model":"tiny","choices":[{"index":0,"text":" upon","logprobs":null,"finish_reason":"length"}]}""");
        await SendAsync(context, """{"id":"cmpl-1","object":"text_completion","created":1,"model":"tiny","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}""");
        await SendAsync(context, "[DONE]");
    }
}
