using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.EndToEnd.Tests.Otlp;

/// <summary>
/// A minimal OTLP/HTTP trace receiver on 127.0.0.1: <c>POST /v1/traces</c> with an <c>application/x-protobuf</c>
/// ExportTraceServiceRequest, decoded with the subset in trace_subset.proto; keeps every span with its service.name.
/// </summary>
internal sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedSpan> _spans;

    private OtlpReceiver(WebApplication app, string endpoint, ConcurrentQueue<ReceivedSpan> spans)
    {
        _app = app;
        Endpoint = endpoint;
        _spans = spans;
    }

    /// <summary>The base address, as OTEL_EXPORTER_OTLP_ENDPOINT takes it (the exporter appends /v1/traces).</summary>
    public string Endpoint { get; }

    public IReadOnlyCollection<ReceivedSpan> Spans => _spans;

    public static async Task<OtlpReceiver> StartAsync()
    {
        var spans = new ConcurrentQueue<ReceivedSpan>();
        var (app, address) = await LoopbackApp.StartAsync(app => app.MapPost("/v1/traces", (HttpContext context) => ReceiveAsync(context, spans)));
        return new OtlpReceiver(app, address.ToString().TrimEnd('/'), spans);
    }

    private static async Task ReceiveAsync(HttpContext context, ConcurrentQueue<ReceivedSpan> spans)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = ExportTraceServiceRequest.Parser.ParseFrom(body.ToArray());
        foreach (var resource in request.ResourceSpans)
        {
            var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value.StringValue ?? string.Empty;
            foreach (var scope in resource.ScopeSpans)
                foreach (var span in scope.Spans)
                    spans.Enqueue(new ReceivedSpan(service, span));
        }
        // An empty ExportTraceServiceResponse: full success.
        context.Response.ContentType = "application/x-protobuf";
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>One exported span: ids as hex, its kind, and its attributes as strings.</summary>
internal sealed record ReceivedSpan(string Service, Span Span)
{
    public string Name => Span.Name;

    public SpanKind Kind => Span.Kind;

    public string TraceId => Hex(Span.TraceId);

    public string SpanId => Hex(Span.SpanId);

    public string ParentSpanId => Hex(Span.ParentSpanId);

    /// <summary>The attribute's value as text; null when the span has none by that key.</summary>
    public string? this[string key] => Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value switch
    {
        null => null,
        { ValueCase: AnyValue.ValueOneofCase.StringValue } v => v.StringValue,
        { ValueCase: AnyValue.ValueOneofCase.IntValue } v => v.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { ValueCase: AnyValue.ValueOneofCase.BoolValue } v => v.BoolValue ? "true" : "false",
        var v => v.ToString(),
    };

    public IEnumerable<string> AttributeTexts => Span.Attributes.Select(a => a.Value.ToString());

    private static string Hex(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);
}
