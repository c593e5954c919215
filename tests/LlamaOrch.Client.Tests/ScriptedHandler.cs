using System.Net;
using System.Text;

namespace LlamaOrch.Client.Tests;

/// <summary>An HTTP handler that answers from a script, one step per request, and keeps what it was sent.</summary>
internal sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] steps) : HttpMessageHandler
{
    private int _next;

    public List<(HttpRequestMessage Request, string Body)> Seen { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Seen) Seen.Add((request, body));
        var step = Interlocked.Increment(ref _next) - 1;
        if (step >= steps.Length) throw new InvalidOperationException($"request {step + 1} was not expected: {request.Method} {request.RequestUri}");
        var response = steps[step](request);
        response.RequestMessage = request;
        return response;
    }

    public static Func<HttpRequestMessage, HttpResponseMessage> Answer(HttpStatusCode status, string json, params (string Name, string Value)[] headers) => request =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers) response.Headers.TryAddWithoutValidation(name, value);
        if (request.Headers.TryGetValues("X-Correlation-Id", out var id)) response.Headers.TryAddWithoutValidation("X-Correlation-Id", id);
        return response;
    };

    public static Func<HttpRequestMessage, HttpResponseMessage> Admitted => request =>
    {
        var taskId = System.Text.Json.JsonDocument.Parse(request.Content!.ReadAsStringAsync().Result).RootElement.GetProperty("task_id").GetString();
        return Answer(HttpStatusCode.Accepted,
            $$"""{"task_id":"{{taskId}}","queue_position":0,"predicted_start_ms":0,"backoff_ms":0,"seed":1,"pool_id":"p","session_id":"s"}""")(request);
    };

    public static Func<HttpRequestMessage, HttpResponseMessage> ConnectionLost => _ => throw new HttpRequestException("connection reset by peer");

    public static string Envelope(string code, string message, bool? retriable = null, long? retryAfterMs = null, string? policyLabel = null) =>
        System.Text.Json.JsonSerializer.Serialize(
            new LlamaOrch.Contracts.Errors.ErrorEnvelope(code, message, "llamacpp", retriable, retryAfterMs, policyLabel, "server-side"),
            LlamaOrch.Contracts.ContractsJsonContext.Default.ErrorEnvelope);
}
