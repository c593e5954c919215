using System.Text;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Engines;

namespace LlamaOrch.Engines.Upstreams;

/// <summary>
/// What every adapter makes of an answer that is not a 2xx: the failure that status means for the task, with at
/// most <see cref="MaxBodyBytes"/> of its body as the detail. The body is read under the same stall guard as a
/// stream; a stall or a lost connection while reading it is a lost call (<c>WORKER_RESET</c>), like one mid-stream.
/// </summary>
internal static class ErrorAnswer
{
    /// <summary>How much of an error body is read: enough for any server's error message, never a 300 MB page.</summary>
    public const int MaxBodyBytes = 4096;

    /// <param name="who">How the messages name the server ("upstream http://…", "engine at http://…").</param>
    /// <param name="detailOf">The message inside the body when it has the protocol's error shape; null reports the raw text.</param>
    public static async Task<EngineFailureException> FailureAsync(HttpResponseMessage response, string who, Func<string, string?>? detailOf,
        CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        // Redirects are not followed (UpstreamHttp): the request, prompt included, goes only to the configured URL.
        if (status is >= 300 and < 400)
            return new EngineFailureException(ErrorCodes.WorkerReset,
                $"{who} answered a redirect ({status}) to {response.Headers.Location?.Host ?? "nowhere"}; redirects are not followed: set the upstream's Url to the server itself",
                retriable: true);

        var text = await ReadHeadAsync(response, who, cancellationToken).ConfigureAwait(false);
        var detail = detailOf?.Invoke(text) ?? (text.Length > 300 ? text[..300] : text);
        return status switch
        {
            // The request itself: the client's to fix.
            400 or 404 or 413 or 422 => new EngineFailureException(ErrorCodes.InvalidParams, $"{who} refused the request ({status}): {detail}", retriable: false),
            // orchestratord's own credentials for the server: the operator's to fix, and no retry helps.
            401 or 403 => new EngineFailureException(ErrorCodes.Internal,
                $"{who} refused orchestratord's credentials ({status}): the operator should check the upstream's API key (ApiKey, ApiKeyFile); the client's request is not at fault: {detail}",
                retriable: false),
            // Busy, rate-limited or failing: another try (here or on another replica) may succeed.
            408 or 429 or >= 500 => new EngineFailureException(ErrorCodes.Internal, $"{who} failed ({status}): {detail}", retriable: true),
            _ => new EngineFailureException(ErrorCodes.Internal, $"{who} refused the request ({status}): {detail}", retriable: false),
        };
    }

    /// <summary>The first <see cref="MaxBodyBytes"/> of the body as text; the rest is never read (disposing the answer drops it).</summary>
    private static async Task<string> ReadHeadAsync(HttpResponseMessage response, string who, CancellationToken cancellationToken)
    {
        var head = new byte[MaxBodyBytes];
        var length = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            int read;
            while (length < head.Length && (read = await body.ReadAsync(head.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0) length += read;
        }
        catch (UpstreamStalledException stalled) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EngineFailureException(ErrorCodes.WorkerReset,
                $"{who} {stalled.Message} while sending its error answer ({(int)response.StatusCode})", retriable: true, stalled);
        }
        catch (Exception error) when (error is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new EngineFailureException(ErrorCodes.WorkerReset,
                $"{who} went away while sending its error answer ({(int)response.StatusCode}): {error.Message}", retriable: true, error);
        }
        return Encoding.UTF8.GetString(head, 0, length);
    }
}
