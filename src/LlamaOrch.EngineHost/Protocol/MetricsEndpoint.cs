using System.Globalization;
using System.Text;
using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineHost.Slots;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary><c>GET /metrics</c>: Prometheus text under llama-server's <c>llamacpp:</c> names.</summary>
internal sealed class MetricsEndpoint(SlotPool slots, ModelHost host)
{
    private const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public Task HandleAsync(HttpContext context)
    {
        long promptTokens = 0;
        long predictedTokens = 0;
        foreach (var slot in slots.Slots)
        {
            promptTokens += slot.PromptTokensTotal;
            predictedTokens += slot.TokensPredictedTotal;
        }

        var text = new StringBuilder(512);
        Append(text, "prompt_tokens_total", "counter", "Number of prompt tokens processed.", promptTokens);
        Append(text, "tokens_predicted_total", "counter", "Number of generation tokens processed.", predictedTokens);
        Append(text, "requests_processing", "gauge", "Number of requests processing.", slots.ProcessingCount);
        Append(text, "requests_deferred", "gauge", "Number of requests deferred.", slots.DeferredCount);
        if (host.IsLoaded && host.Model.KvCacheCells() is var (used, total))
        {
            Append(text, "kv_cache_usage_ratio", "gauge", "KV-cache usage. 1 means 100 percent usage.",
                total > 0 ? (double)used / total : 0);
            Append(text, "kv_cache_tokens", "gauge", "KV-cache tokens.", used);
        }

        context.Response.ContentType = ContentType;
        return context.Response.WriteAsync(text.ToString(), context.RequestAborted);
    }

    private static void Append(StringBuilder text, string name, string type, string help, double value) =>
        text.Append(CultureInfo.InvariantCulture, $"# HELP llamacpp:{name} {help}\n")
            .Append(CultureInfo.InvariantCulture, $"# TYPE llamacpp:{name} {type}\n")
            .Append(CultureInfo.InvariantCulture, $"llamacpp:{name} {value}\n");
}
