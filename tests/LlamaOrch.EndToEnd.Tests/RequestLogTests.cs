using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.Server.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using static LlamaOrch.EndToEnd.Tests.OrchestratordProcess;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// The lines logged while serving a request (docs/observability.md, Logs): their scope fields without tracing (with tracing,
/// TracingTests), and ASP.NET's own request log, off unless its category is configured to print request lines.
/// </summary>
public sealed class RequestLogTests
{
    private const string Token = "e2e-request-log-token-5d21";
    private const string HostingCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    [Fact]
    public Task A_request_line_carries_the_correlation_id_and_path_and_no_trace_ids_without_tracing() =>
        WithOrchestratorAsync(async (port, stdout) =>
        {
            var correlationId = await RefuseABodyAsync(port, Token);

            var line = await BodyRefusalAsync(stdout, correlationId);
            Assert.Equal("/v1/tasks", JsonLogLines.Scope(line, "RequestPath"));
            Assert.NotNull(JsonLogLines.Scope(line, "ConnectionId")); // Kestrel's own scope, as before
            Assert.Null(JsonLogLines.Scope(line, "TraceId"));
            Assert.Null(JsonLogLines.Scope(line, "SpanId"));
            // The shipped levels print no line of ASP.NET's request log, and it costs no scope of its own either.
            Assert.Null(JsonLogLines.Scope(line, "RequestId"));
            Assert.DoesNotContain(JsonLogLines.Parse(stdout), l => JsonLogLines.Category(l) == HostingCategory);
        });

    [Fact]
    public Task An_operator_who_sets_the_request_log_to_Information_gets_its_lines_and_scope() =>
        WithOrchestratorAsync(async (port, stdout) =>
        {
            var correlationId = await RefuseABodyAsync(port, Token);

            var line = await BodyRefusalAsync(stdout, correlationId);
            Assert.NotNull(JsonLogLines.Scope(line, "RequestId"));
            await WaitForAsync(() => JsonLogLines.Parse(stdout).Any(l => JsonLogLines.Category(l) == HostingCategory
                && JsonLogLines.Scope(l, "CorrelationId") is null // "Request starting" is logged before orchestratord's middleware runs
                && l.GetProperty("Message").GetString()!.Contains("POST http://127.0.0.1:" + port + "/v1/tasks", StringComparison.Ordinal)));
        }, $"--Logging:LogLevel:{HostingCategory}=Information");

    [Theory]
    [InlineData(null, null, null, LogLevel.Information)] // nothing configured: the logging default
    [InlineData("Microsoft.AspNetCore", "Warning", null, LogLevel.Warning)] // the shipped appsettings.json
    [InlineData("Microsoft.AspNetCore.Hosting", "Debug", null, LogLevel.Debug)] // a longer prefix wins
    [InlineData("Default", "Error", null, LogLevel.Warning)] // a matching category beats Default
    [InlineData("Microsoft.*.Diagnostics", "None", null, LogLevel.None)] // a wildcard rule
    [InlineData("Microsoft.AspNetCore.Routing", "Trace", null, LogLevel.Warning)] // another category: the shipped rule still applies
    [InlineData("Microsoft.AspNetCore", "Warning", "Information", LogLevel.Information)] // the console's own rule first
    public void The_configured_level_is_read_as_the_logging_rules_read_it(string? category, string? level, string? consoleDefault, LogLevel expected)
    {
        var values = new Dictionary<string, string?> { ["Logging:LogLevel:Microsoft.AspNetCore"] = category is null ? null : "Warning" };
        if (category is not null) values[$"Logging:LogLevel:{category}"] = level;
        if (consoleDefault is not null) values["Logging:Console:LogLevel:Default"] = consoleDefault;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        Assert.Equal(expected, HostingRequestLog.ConfiguredLevel(configuration));
    }

    /// <summary>POSTs a task body as text/plain (refused with 415, and logged at Information); returns the request's correlation id.</summary>
    internal static async Task<string> RefuseABodyAsync(int port, string token)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitReadyAsync(http);
        var correlationId = "corr-log-" + Guid.NewGuid().ToString("N");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks") { Content = new StringContent("{}", Encoding.UTF8, "text/plain") };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        post.Headers.Add(CorrelationIdMiddleware.Header, correlationId);
        using var refused = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.StatusCode);
        Assert.Equal(correlationId, refused.Headers.GetValues(CorrelationIdMiddleware.Header).Single());
        return correlationId;
    }

    /// <summary>The body reader's line about that refusal, once it is in the output.</summary>
    internal static async Task<JsonElement> BodyRefusalAsync(StringBuilder stdout, string correlationId)
    {
        static bool Is(JsonElement line, string id) =>
            JsonLogLines.Category(line) == "LlamaOrch.Server.Http.JsonBody" && JsonLogLines.Scope(line, "CorrelationId") == id;
        await WaitForAsync(() => JsonLogLines.Parse(stdout).Any(line => Is(line, correlationId)));
        return Assert.Single(JsonLogLines.Parse(stdout), line => Is(line, correlationId));
    }

    /// <summary>Runs <paramref name="test"/> against an orchestratord of its own (its port, its collected stdout), killed after.</summary>
    private static async Task WithOrchestratorAsync(Func<int, StringBuilder, Task> test, params string[] extra)
    {
        var port = FreePort.Next();
        using var process = Start(
            ["--urls", $"http://127.0.0.1:{port}", $"--Orchestrator:DataDir={Directory.CreateTempSubdirectory("llorch-reqlog-").FullName}",
             "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:reqlog?tps=500", .. extra],
            new Dictionary<string, string> { ["LLORCH_API_TOKEN"] = Token });
        var stdout = CollectStdout(process);
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        try
        {
            await test(port, stdout);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
