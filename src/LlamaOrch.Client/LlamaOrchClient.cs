using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Errors;

namespace LlamaOrch.Client;

/// <summary>
/// A typed client for orchestratord: one method per endpoint of the data and control planes, task runs that stream
/// and resume, and retries that honour the server's backpressure. Thread-safe; share one per process.
/// </summary>
/// <remarks>
/// Every call carries <c>X-Correlation-Id</c> (the client's, the view's from <see cref="WithCorrelationId"/>, or a fresh
/// one) and returns the one the server echoed. Failures are <see cref="LlamaOrchApiException"/> (with the error
/// envelope) or, where the server could not be reached, <see cref="HttpRequestException"/>.
/// </remarks>
public sealed partial class LlamaOrchClient : IDisposable
{
    internal const string CorrelationHeader = "X-Correlation-Id";
    private const string BackoffHeader = "X-Backoff-Ms";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly string? _correlationId;

    /// <summary>A client with its own connection pool.</summary>
    public LlamaOrchClient(LlamaOrchClientOptions? options = null)
        : this(new HttpClient(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) }) { Timeout = Timeout.InfiniteTimeSpan },
            options ?? new LlamaOrchClientOptions(), ownsHttp: true, correlationId: null)
    {
    }

    /// <summary>
    /// A client on a caller's <see cref="HttpClient"/> (e.g. from IHttpClientFactory), which it does not dispose. Its
    /// <see cref="HttpClient.Timeout"/> should be infinite: task streams last as long as their tasks.
    /// </summary>
    public LlamaOrchClient(HttpClient http, LlamaOrchClientOptions? options = null)
        : this(http, options ?? new LlamaOrchClientOptions(), ownsHttp: false, correlationId: null)
    {
    }

    private LlamaOrchClient(HttpClient http, LlamaOrchClientOptions options, bool ownsHttp, string? correlationId)
    {
        ArgumentNullException.ThrowIfNull(options.BaseAddress);
        if (options.ApiToken is { } token) HeaderText.Check(token, nameof(options.ApiToken), "the API token");
        if (options.CorrelationId is { } correlation) HeaderText.Check(correlation, nameof(options.CorrelationId), "the correlation id");
        _http = http;
        Options = options;
        _ownsHttp = ownsHttp;
        _correlationId = correlationId;
    }

    /// <summary>The options this client was made with.</summary>
    public LlamaOrchClientOptions Options { get; }

    /// <summary>
    /// A view of this client whose calls all carry <paramref name="correlationId"/>; it shares the connections and
    /// needs no disposing.
    /// </summary>
    public LlamaOrchClient WithCorrelationId(string correlationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(correlationId);
        return new LlamaOrchClient(_http, Options, ownsHttp: false, HeaderText.Check(correlationId, nameof(correlationId), "the correlation id"));
    }

    /// <summary>Disposes the connection pool when the client made it.</summary>
    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }

    /// <summary>The correlation id for the next logical call: fixed by the view or the options, else a fresh one.</summary>
    internal string NextCorrelationId() => _correlationId ?? Options.CorrelationId ?? Guid.NewGuid().ToString("N");

    internal Uri UriOf(string pathAndQuery) => new(Options.BaseAddress, pathAndQuery);

    internal HttpRequestMessage NewRequest(HttpMethod method, string pathAndQuery, string correlationId, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, UriOf(pathAndQuery)) { Content = content };
        request.Headers.TryAddWithoutValidation(CorrelationHeader, correlationId);
        if (Options.ApiToken is { Length: > 0 } token) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    internal Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken cancellationToken) =>
        _http.SendAsync(request, completion, cancellationToken);

    /// <summary>
    /// One logical call: tries, each within <see cref="LlamaOrchClientOptions.RequestTimeout"/>, retried by
    /// <see cref="BackpressureRetry"/>; answers with a status in <paramref name="accept"/> (or any 2xx when empty) are read by
    /// <paramref name="read"/>, everything else becomes a <see cref="LlamaOrchApiException"/>.
    /// </summary>
    internal async Task<ApiResponse<T>> CallAsync<T>(
        HttpMethod method, string pathAndQuery, Func<HttpContent?>? content, bool idempotent,
        Func<HttpResponseMessage, CancellationToken, Task<T>> read, CancellationToken cancellationToken, params HttpStatusCode[] accept)
    {
        var correlationId = NextCorrelationId();
        var deadline = Options.TimeProvider.GetUtcNow() + Options.Retry.MaxRetryDuration;
        var pipeline = BackpressureRetry.Create(Options.Retry, Options.TimeProvider, idempotent, deadline);
        return await pipeline.ExecuteAsync(async token =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(Options.RequestTimeout);
            try
            {
                using var request = NewRequest(method, pathAndQuery, correlationId, content?.Invoke());
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                var echoed = EchoedCorrelationId(response) ?? correlationId;
                var ok = accept.Length == 0 ? response.IsSuccessStatusCode : accept.Contains(response.StatusCode);
                if (!ok) throw await ErrorOfAsync(response, correlationId, timeout.Token);
                return new ApiResponse<T>(await read(response, timeout.Token), response.StatusCode, echoed);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !token.IsCancellationRequested)
            {
                throw new TimeoutException($"{method} {pathAndQuery} took longer than {Options.RequestTimeout.TotalSeconds:0.#} s");
            }
        }, cancellationToken);
    }

    internal Task<ApiResponse<T>> GetJsonAsync<T>(string pathAndQuery, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        CallAsync(HttpMethod.Get, pathAndQuery, null, idempotent: true, (r, ct) => ReadJsonAsync(r, type, ct), cancellationToken);

    internal Task<ApiResponse<TOut>> SendJsonAsync<TIn, TOut>(
        HttpMethod method, string pathAndQuery, TIn body, JsonTypeInfo<TIn> inType, JsonTypeInfo<TOut> outType, bool idempotent, CancellationToken cancellationToken) =>
        CallAsync(method, pathAndQuery, () => JsonContent(body, inType), idempotent, (r, ct) => ReadJsonAsync(r, outType, ct), cancellationToken);

    internal async Task<ApiResponse> SendNoContentAsync(HttpMethod method, string pathAndQuery, bool idempotent, CancellationToken cancellationToken)
    {
        var answer = await CallAsync(method, pathAndQuery, null, idempotent, (_, _) => Task.FromResult(true), cancellationToken);
        return new ApiResponse(answer.StatusCode, answer.CorrelationId);
    }

    internal static HttpContent JsonContent<T>(T body, JsonTypeInfo<T> type) =>
        new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, type)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } };

    internal static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        return await JsonSerializer.DeserializeAsync(body, type, cancellationToken)
               ?? throw new JsonException($"{(int)response.StatusCode} answer had a null body where {typeof(T).Name} was expected");
    }

    internal static string? EchoedCorrelationId(HttpResponseMessage response) =>
        response.Headers.TryGetValues(CorrelationHeader, out var values) ? values.FirstOrDefault() : null;

    /// <summary>The error envelope of a failed answer, its status, echoed correlation id and the wait it asked for.</summary>
    internal static async Task<LlamaOrchApiException> ErrorOfAsync(HttpResponseMessage response, string sentCorrelationId, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        ErrorEnvelope? envelope = null;
        try
        {
            if (bytes.Length > 0) envelope = JsonSerializer.Deserialize(bytes, ContractsJsonContext.Default.ErrorEnvelope);
        }
        catch (JsonException)
        {
            // Not ours: a proxy or the HTTP server itself answered (docs: 414/431/505 before orchestratord sees it).
        }
        if (envelope is null || string.IsNullOrEmpty(envelope.Code))
        {
            var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 512)).Trim();
            envelope = new ErrorEnvelope($"HTTP_{(int)response.StatusCode}", text.Length > 0 ? text : response.ReasonPhrase ?? "no body");
        }
        return new LlamaOrchApiException(response.StatusCode, envelope, EchoedCorrelationId(response) ?? sentCorrelationId, RetryAfterOf(response));
    }

    /// <summary><c>X-Backoff-Ms</c> (precise) before <c>Retry-After</c> (whole seconds or a date).</summary>
    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues(BackoffHeader, out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            return TimeSpan.FromMilliseconds(ms);
        if (response.Headers.RetryAfter is { } retryAfter)
        {
            if (retryAfter.Delta is { } delta) return delta;
            if (retryAfter.Date is { } date) return date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }
        return null;
    }

    internal static string Escape(string segment)
    {
        ArgumentException.ThrowIfNullOrEmpty(segment);
        return Uri.EscapeDataString(segment);
    }

    internal static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? path : path + "?" + string.Join("&", present);
    }
}
