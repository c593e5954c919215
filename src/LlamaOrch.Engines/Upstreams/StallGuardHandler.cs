namespace LlamaOrch.Engines.Upstreams;

/// <summary>
/// Fails a request to an upstream that goes <c>StallTimeout</c> without sending a byte: while its answer is awaited
/// (as an <see cref="HttpRequestException"/>, which the adapters report as an unreachable upstream) and at every read
/// of its body (as an <see cref="UpstreamStalledException"/>, an <see cref="IOException"/> that the adapters report as
/// a stream lost mid-way). Either is a retriable <c>WORKER_RESET</c> for the task and takes the replica out of dispatch
/// until its health check passes. Without it a server that keeps its connection open and says nothing holds the
/// task, and its slot, for as long as the health check still passes: for ever.
/// </summary>
internal sealed class StallGuardHandler(TimeSpan timeout, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        using (var answer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            answer.CancelAfter(timeout);
            try
            {
                response = await base.SendAsync(request, answer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException stalled) when (!cancellationToken.IsCancellationRequested)
            {
                throw new HttpRequestException($"{UpstreamStalledException.Describe(timeout)} while waiting for its answer", new UpstreamStalledException(timeout, stalled));
            }
        }

        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var guarded = new StreamContent(new StallGuardStream(body, timeout));
        foreach (var header in response.Content.Headers) guarded.Headers.TryAddWithoutValidation(header.Key, header.Value);
        response.Content = guarded; // disposing it disposes the guard, and with it the connection's stream
        return response;
    }
}
