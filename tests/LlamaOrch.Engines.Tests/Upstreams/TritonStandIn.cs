using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>
/// A stand-in for NVIDIA Triton serving one model through the vLLM backend, answering the generate extension's
/// documented format (docs/protocol/extension_generate.md): <c>POST /v2/models/tiny-trt/generate_stream</c> as SSE
/// <c>data:</c> events of the model's output tensors (<c>text_output</c> the new text; the vLLM backend's
/// <c>finish_reason</c>, <c>num_input_tokens</c> and <c>num_output_tokens</c> when the request asks for them), the stream
/// ending after the last response; an <c>error</c> object when <see cref="FailsInference"/>; <c>/v2/health/ready</c>,
/// <c>/v2/models/tiny-trt/ready</c> and the server metadata <c>/v2</c>.
/// </summary>
internal sealed class TritonStandIn : StandInServer
{
    public const string Model = "tiny-trt";

    /// <summary>Answers like a TensorRT-LLM ensemble: text only, no finish reason and no counts.</summary>
    public bool TextOnly { get; set; }

    /// <summary>Sends an error object after the first response (the status already 200), as the extension documents.</summary>
    public bool FailsInference { get; set; }

    /// <summary>The model's readiness: false answers <c>/v2/models/tiny-trt/ready</c> 400.</summary>
    public bool ModelReady { get; set; } = true;

    public static Task<TritonStandIn> StartAsync() => StartAsync(new TritonStandIn());

    protected override void Map(WebApplication app)
    {
        app.MapGet("/v2/health/ready", () => Results.Ok());
        app.MapGet($"/v2/models/{Model}/ready", () => ModelReady ? Results.Ok() : Results.BadRequest());
        app.MapGet("/v2", () => Results.Text(
            """{"name":"triton","version":"2.52.0","extensions":["classification","sequence","model_repository","schedule_policy","model_configuration","system_shared_memory","cuda_shared_memory","binary_tensor_data","parameters","statistics","trace","logging","generate"]}""",
            "application/json"));
        app.MapPost($"/v2/models/{Model}/generate_stream", GenerateAsync);
    }

    private async Task GenerateAsync(HttpContext context)
    {
        await ReadBodyAsync(context);
        BeginEvents(context);
        await SendAsync(context, Response("Once", "None", 1));
        if (FailsInference)
        {
            await SendAsync(context, """{"error":"inference failed: out of KV cache blocks"}""");
            return;
        }
        if (await MisbehaveAsync(context)) return;
        await SendAsync(context, Response(" upon", "None", 1));
        await SendAsync(context, Response("", "stop", 1));
    }

    private string Response(string text, string finish, int tokens) => TextOnly
        ? $$"""{"model_name":"{{Model}}","model_version":"1","text_output":"{{text}}"}"""
        : $$"""{"model_name":"{{Model}}","model_version":"1","finish_reason":"{{finish}}","num_input_tokens":4,"num_output_tokens":{{tokens}},"text_output":"{{text}}"}""";
}
