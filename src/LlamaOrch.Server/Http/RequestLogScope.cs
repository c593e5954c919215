using System.Collections;

namespace LlamaOrch.Server.Http;

/// <summary>
/// The logging scope of a request: its correlation id and path, the one scope every line logged while serving it
/// carries (docs/observability.md, Logs). ASP.NET's own request scope (RequestId, RequestPath, ConnectionId) is opened
/// only when its request log is on (<see cref="HostingRequestLog"/>), so the path is kept here. A list of key/value pairs,
/// so that the JSON console formatter writes each as its own field; <see cref="ToString"/> is what the simple one prints.
/// </summary>
internal sealed class RequestLogScope(string correlationId, string requestPath) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string CorrelationIdKey = "CorrelationId";
    public const string RequestPathKey = "RequestPath";

    public int Count => 2;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new(CorrelationIdKey, correlationId),
        1 => new(RequestPathKey, requestPath),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>"CorrelationId:c1 RequestPath:/v1/tasks".</summary>
    public override string ToString() => $"{CorrelationIdKey}:{correlationId} {RequestPathKey}:{requestPath}";
}
