using LlamaOrch.Core.Telemetry;
using LlamaOrch.EngineProtocol.Telemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlamaOrch.Server.Telemetry;

/// <summary>
/// OpenTelemetry tracing of orchestratord, off unless an OTLP endpoint is configured (docs/observability.md, Traces):
/// the task spans of <see cref="TaskTracing"/>, the HTTP requests it serves, and its POSTs to the engines, whose
/// traceparent header carries the trace on into llorch-engine. The exporter reads the standard OTEL_* settings itself.
/// </summary>
internal static class OrchestratorTracing
{
    private const string DefaultServiceName = "orchestratord";

    /// <summary>Adds tracing when an endpoint is configured; says whether it did.</summary>
    public static bool AddIfConfigured(IServiceCollection services, IConfiguration configuration)
    {
        if (!OtlpSwitch.IsOn(name => configuration[name])) return false;
        var serviceName = configuration[OtlpSwitch.ServiceName] is { Length: > 0 } configured ? configured : DefaultServiceName;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(TaskTracing.SourceName)
                // Probes and scrapes would bury the tasks' traces.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context =>
                    !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/metrics"))
                // The work sent to engines is POSTed (completion, embedding, rerank, tokenize); their health, props
                // and metrics polls are GETs, every few hundred milliseconds per replica, and are left out.
                .AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = request => request.Method == HttpMethod.Post)
                .AddOtlpExporter());
        return true;
    }
}
