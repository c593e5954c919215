using System.Net.Http.Headers;
using LlamaOrch.Core.Pools;

namespace LlamaOrch.Engines.Upstreams;

/// <summary>Puts an upstream's API key on every request to it, so that no adapter handles (or could log) the key itself.</summary>
internal sealed class ApiKeyHandler(UpstreamSecret key, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Reveal());
        return base.SendAsync(request, cancellationToken);
    }
}
