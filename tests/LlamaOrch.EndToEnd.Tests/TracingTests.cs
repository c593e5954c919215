using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlamaOrch.Core.Telemetry;
using LlamaOrch.EndToEnd.Tests.Otlp;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.Server;
using Microsoft.Extensions.DependencyInjection;
using TracerProvider = OpenTelemetry.Trace.TracerProvider;
using static LlamaOrch.EndToEnd.Tests.OrchestratordProcess;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>OpenTelemetry traces (docs/observability.md, Traces): one task, one trace, across orchestratord and llorch-engine.</summary>
public sealed class TracingTests
{
    private const string Token = "e2e-tracing-token-41c7";
    private const string Model = "sim:trace?tps=500";
    private const string Prompt = "A prompt that no span may carry";
    private const string Orchestratord = "orchestratord";
    private const string Engine = "llorch-engine";

    [Fact]
    public async Task One_task_is_one_trace_from_the_POST_through_the_engine_with_its_ids_as_attributes()
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        var port = FreePort.Next();
        using var process = Start(
            ["--urls", $"http://127.0.0.1:{port}", $"--Orchestrator:DataDir={Directory.CreateTempSubdirectory("llorch-trace-").FullName}",
             "--Orchestrator:Pools:0:Id=p", $"--Orchestrator:Pools:0:Model={Model}",
             "--Logging:LogLevel:LlamaOrch.Core.Tasks=Debug"],
            new Dictionary<string, string>
            {
                ["LLORCH_API_TOKEN"] = Token,
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "100", // ms between exports: the spans arrive soon after the task ends
            });
        var stdout = CollectStdout(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            var (taskId, correlationId, frames) = await RunOneTaskAsync(port);
            Assert.Equal("end", frames[^1].Event);

            string[] expected = ["llorch.admission", "llorch.placement", "llorch.queue_wait", "llorch.relay", "llorch.engine_request", "llorch.prompt_eval", "llorch.decode"];
            await WaitForAsync(() => expected.All(name => receiver.Spans.Any(s => s.Name == name))
                                     && receiver.Spans.Any(s => s.Service == Engine && s.Kind == SpanKind.Server));

            var admission = Assert.Single(receiver.Spans, s => s.Name == "llorch.admission" && s[TaskTracing.TaskIdAttribute] == taskId);
            var trace = receiver.Spans.Where(s => s.TraceId == admission.TraceId).ToList();
            ReceivedSpan Named(string service, string name) => Assert.Single(trace, s => s.Service == service && s.Name == name);

            // orchestratord: the POST is the root; admission (with placement), queue wait and the relay hang under it.
            var post = Assert.Single(trace, s => s.SpanId == admission.ParentSpanId);
            Assert.Equal((Orchestratord, SpanKind.Server, string.Empty), (post.Service, post.Kind, post.ParentSpanId));
            Assert.Equal(admission.SpanId, Named(Orchestratord, "llorch.placement").ParentSpanId);
            var queueWait = Named(Orchestratord, "llorch.queue_wait");
            var relay = Named(Orchestratord, "llorch.relay");
            Assert.Equal(post.SpanId, queueWait.ParentSpanId);
            Assert.Equal(post.SpanId, relay.ParentSpanId);
            var engineRequest = Named(Orchestratord, "llorch.engine_request");
            Assert.Equal(relay.SpanId, engineRequest.ParentSpanId);
            var client = Assert.Single(trace, s => s.Service == Orchestratord && s.Kind == SpanKind.Client);
            Assert.Equal(engineRequest.SpanId, client.ParentSpanId);

            // llorch-engine continues the trace from the traceparent header of orchestratord's request.
            var server = Assert.Single(trace, s => s.Service == Engine && s.Kind == SpanKind.Server);
            Assert.Equal(client.SpanId, server.ParentSpanId);
            Assert.Equal(server.SpanId, Named(Engine, "llorch.prompt_eval").ParentSpanId);
            var decode = Named(Engine, "llorch.decode");
            Assert.Equal(server.SpanId, decode.ParentSpanId);
            Assert.Equal("3", decode["llorch.predicted_tokens"]);

            var replicaId = frames[0].Str("replica_id");
            foreach (var span in new[] { admission, queueWait, relay })
            {
                Assert.Equal(taskId, span[TaskTracing.TaskIdAttribute]);
                Assert.Equal(correlationId, span[TaskTracing.CorrelationIdAttribute]);
                Assert.Equal(Model, span[TaskTracing.ModelAttribute]);
            }
            Assert.Equal(("p", replicaId), (relay[TaskTracing.PoolIdAttribute], relay[TaskTracing.ReplicaIdAttribute]));
            Assert.Equal("3", relay["llorch.tokens_out"]);
            Assert.DoesNotContain(receiver.Spans, s => s.AttributeTexts.Any(text => text.Contains(Prompt, StringComparison.Ordinal)));

            // The run's log lines carry the trace id too, beside the task's ids.
            var started = Assert.Single(JsonLogLines.Parse(stdout), line =>
                JsonLogLines.Category(line) == "LlamaOrch.Core.Tasks.TaskRunner" && JsonLogLines.Scope(line, "TaskId") == taskId);
            Assert.Equal(admission.TraceId, JsonLogLines.Scope(started, "TraceId"));

            // A line logged while serving a request carries its request span's ids (ASP.NET's Activity, made for the tracer).
            var refusedId = await RequestLogTests.RefuseABodyAsync(port, Token);
            static bool Refused(ReceivedSpan s) => s.Service == Orchestratord && s.Kind == SpanKind.Server && s["http.response.status_code"] == "415";
            await WaitForAsync(() => receiver.Spans.Any(Refused));
            var refusedLine = await RequestLogTests.BodyRefusalAsync(stdout, refusedId);
            var refusedSpan = Assert.Single(receiver.Spans, Refused);
            Assert.Equal(refusedSpan.TraceId, JsonLogLines.Scope(refusedLine, "TraceId"));
            Assert.Equal(refusedSpan.SpanId, JsonLogLines.Scope(refusedLine, "SpanId"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Without_an_OTLP_endpoint_tracing_is_off()
    {
        var dataDir = Directory.CreateTempSubdirectory("llorch-untraced-").FullName;
        string[] args = ["--urls=http://127.0.0.1:0", $"--Orchestrator:DataDir={dataDir}", "--Orchestrator:Auth:Disabled=true"];

        await using (var untraced = await OrchestratorApp.BuildAsync(args))
            Assert.Null(untraced.Services.GetService<TracerProvider>());
        // The same start with an endpoint does trace: what the assertion above tells apart.
        await using (var traced = await OrchestratorApp.BuildAsync([.. args, "--OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9"]))
            Assert.NotNull(traced.Services.GetService<TracerProvider>());
    }

    /// <summary>Runs one three-token task with its own correlation id to its end; the frames of its stream.</summary>
    internal static async Task<(string TaskId, string CorrelationId, List<SseFrame> Frames)> RunOneTaskAsync(int port, string token = Token, string prompt = Prompt)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitReadyAsync(http);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var body = Orchestrator.Task(Model, prompt: prompt, maxTokens: 3);
        var taskId = body["task_id"]!.GetValue<string>();
        var correlationId = "corr-" + Guid.NewGuid().ToString("N");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        post.Headers.Add("X-Correlation-Id", correlationId);
        using var admitted = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Accepted, admitted.StatusCode);
        return (taskId, correlationId, await SseFrame.ReadAllAsync(http, taskId));
    }
}
