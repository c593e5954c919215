using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Engines;

namespace LlamaOrch.Engines.Upstreams;

/// <summary>
/// What the streaming adapters of servers we do not start (OpenAI-compatible, TGI, Triton) do alike: POST a JSON request, turning an
/// unreachable server or an error status (<see cref="ErrorAnswer"/>) into an <see cref="EngineFailureException"/>, and read each event (its lines
/// come from <see cref="UpstreamLineReader"/>), turning one that is not the protocol's JSON into one.
/// </summary>
internal static class UpstreamStreams
{
    /// <summary>
    /// POSTs <paramref name="body"/> as JSON to <paramref name="path"/> under the upstream, carrying the task's correlation
    /// id, and returns the answer once its headers are in (a stream's events are read from it as they come).
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync<T>(HttpClient http, Uri upstream, string path, T body, JsonTypeInfo<T> type,
        string correlationId, CancellationToken cancellationToken)
    {
        // Disposed once the headers are in: HTTP/1.1 has sent the whole request body by then.
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(upstream, path)) { Content = JsonRequestContent.Of(body, type) };
        message.Headers.TryAddWithoutValidation("X-Correlation-Id", correlationId);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EngineFailureException(ErrorCodes.WorkerReset,
                error.InnerException is UpstreamStalledException ? $"upstream {upstream} {error.Message}" : $"upstream {upstream} is unreachable: {error.Message}",
                retriable: true, error);
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw await ErrorAnswer.FailureAsync(response, $"upstream {upstream}", detailOf: null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One streamed event as <typeparamref name="T"/>; anything else is the upstream failing (<paramref name="what"/> names the shape).</summary>
    public static T Parse<T>(ReadOnlySpan<char> data, JsonTypeInfo<T> type, Uri upstream, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(data, type) ?? throw new JsonException("null event");
        }
        catch (JsonException error)
        {
            var shown = data.Length > 120 ? data[..120].ToString() + "…" : data.ToString();
            throw new EngineFailureException(ErrorCodes.WorkerReset, $"upstream {upstream} streamed something that is not {what}: {shown}", retriable: true, error);
        }
    }
}
