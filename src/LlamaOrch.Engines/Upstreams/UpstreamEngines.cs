using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.LlamaCppProtocol;
using LlamaOrch.Engines.OpenAiProtocol;
using LlamaOrch.Engines.TgiProtocol;
using LlamaOrch.Engines.TritonProtocol;

namespace LlamaOrch.Engines.Upstreams;

/// <summary>The adapter for an upstream's protocol.</summary>
internal static class UpstreamEngines
{
    public static IUpstreamEngine For(UpstreamConfig upstream, HttpClient http, HttpClient fresh) => upstream.Protocol switch
    {
        UpstreamProtocol.LlamaCpp => new LlamaCppEngineClient(http, upstream.Url, fresh),
        UpstreamProtocol.OpenAi => new OpenAiEngineClient(http, OpenAiEngineClient.BaseFor(upstream.Url), upstream.Model),
        UpstreamProtocol.Tgi => new TgiEngineClient(http, upstream.Url),
        UpstreamProtocol.Triton => new TritonEngineClient(http, upstream.Url,
            upstream.Model ?? throw new ArgumentException("a triton upstream names its model", nameof(upstream))),
        var other => throw new ArgumentOutOfRangeException(nameof(upstream), other, "no adapter for this protocol"),
    };
}
