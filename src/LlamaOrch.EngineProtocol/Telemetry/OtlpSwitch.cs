namespace LlamaOrch.EngineProtocol.Telemetry;

/// <summary>
/// Whether a process exports traces: only when an OTLP endpoint is configured, by the standard variables.
/// Shared so that orchestratord and llorch-engine turn tracing on by the same rule, and the supervisor hands
/// the engines what turns theirs on.
/// </summary>
internal static class OtlpSwitch
{
    public const string Endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string TracesEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    public const string ServiceName = "OTEL_SERVICE_NAME";

    /// <summary>The service name llorch-engine reports; the supervisor sets it, so orchestratord's own does not leak over.</summary>
    public const string EngineServiceName = "llorch-engine";

    /// <summary>True when <paramref name="read"/> (a configuration or the environment) names an endpoint for traces.</summary>
    public static bool IsOn(Func<string, string?> read) =>
        !string.IsNullOrWhiteSpace(read(TracesEndpoint)) || !string.IsNullOrWhiteSpace(read(Endpoint));
}
