using LlamaOrch.Core.Telemetry;
using Prometheus;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// <c>GET /metrics</c>: the Prometheus text format, written by prometheus-net from this app's own registry, then
/// the engines' own series (<see cref="EngineSeries"/>), which prometheus-net cannot write.
/// </summary>
internal static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>
    /// A registry per app rather than prometheus-net's static default one: several orchestratords in one process
    /// (the end-to-end tests) must not add up each other's counts.
    /// </summary>
    public static IServiceCollection AddOrchestratorMetrics(this IServiceCollection services, MetricsAccess access)
    {
        services.AddSingleton(access);
        services.AddSingleton(_ => Prometheus.Metrics.NewCustomRegistry());
        services.AddSingleton<PrometheusTaskMetrics>();
        services.AddSingleton<ITaskMetrics>(sp => sp.GetRequiredService<PrometheusTaskMetrics>());
        services.AddSingleton<IBudgetMetrics, PrometheusBudgetMetrics>();
        services.AddSingleton<ICatalogMetrics, PrometheusCatalogMetrics>();
        services.AddSingleton<ScrapeTimeSeries>();
        services.AddSingleton<GpuSeries>();
        services.AddSingleton<EngineSeries>();
        return services;
    }

    public static void MapMetricsEndpoint(this WebApplication app)
    {
        // Built here so their scrape callbacks are registered before the first scrape.
        app.Services.GetRequiredService<ScrapeTimeSeries>();
        app.Services.GetRequiredService<GpuSeries>();
        app.MapGet(Path, WriteAsync);
    }

    private static async Task WriteAsync(HttpContext context, CollectorRegistry registry, EngineSeries engines)
    {
        // The engines first: their scrape sets kv_cache_usage_ratio, which the registry then writes.
        var engineText = await engines.ScrapeAsync(context.RequestAborted).ConfigureAwait(false);
        context.Response.ContentType = PrometheusConstants.TextContentTypeWithVersionAndEncoding;
        await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        await context.Response.WriteAsync(engineText, context.RequestAborted).ConfigureAwait(false);
    }
}
