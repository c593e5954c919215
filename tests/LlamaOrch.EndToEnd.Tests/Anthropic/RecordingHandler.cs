using System.Net;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Sits under the SDK's HttpClient: records each attempt's status and lets a test act on a response before the SDK sees it.</summary>
internal sealed class RecordingHandler(Func<HttpResponseMessage, Task>? onResponse = null) : DelegatingHandler(new SocketsHttpHandler { UseProxy = false })
{
    private readonly List<HttpStatusCode> _statuses = [];

    public IReadOnlyList<HttpStatusCode> Statuses
    {
        get { lock (_statuses) return [.. _statuses]; }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        lock (_statuses) _statuses.Add(response.StatusCode);
        if (onResponse is not null) await onResponse(response);
        return response;
    }
}
