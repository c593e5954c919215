using LlamaOrch.EngineHost.Protocol;
using LlamaOrch.EngineProtocol.Telemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LlamaOrch.EngineHost.Hosting;

/// <summary>
/// OpenTelemetry tracing of llorch-engine, off unless an OTLP endpoint is configured: orchestratord's supervisor
/// passes its OTEL_* variables on, with the service name llorch-engine. The server span of each POST continues the
/// caller's trace (traceparent); <see cref="CompletionSpans"/> add prompt evaluation and decoding under it.
/// </summary>
internal static class EngineTracing
{
    public static void AddIfConfigured(IServiceCollection services, IConfiguration configuration)
    {
        if (!OtlpSwitch.IsOn(name => configuration[name])) return;
        var serviceName = configuration[OtlpSwitch.ServiceName] is { Length: > 0 } configured ? configured : OtlpSwitch.EngineServiceName;
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(CompletionSpans.SourceName)
                // Work comes as POSTs; the supervisor's health, props and metrics polls (GETs) would bury it.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => HttpMethods.IsPost(context.Request.Method))
                .AddOtlpExporter());
    }
}
