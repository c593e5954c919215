using System.Buffers;
using System.Text;
using LlamaOrch.Contracts.Tools;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// Fetches a URL for a tool through <see cref="CheckedHttpClient"/> (the policy at every hop, the checked address
/// connected to, the limits), masking secrets in what goes out and in what comes back.
/// </summary>
internal sealed class HttpFetchTool(CheckedHttpClient http, ToolPolicyOptions options, SecretRedactor redactor)
{
    public async Task<ToolOutcome<HttpFetchResponse>> FetchAsync(HttpMethod method, Uri url, IReadOnlyDictionary<string, string> headers, string? text, CancellationToken cancellation)
    {
        var redactedOut = 0;
        if (options.RedactOutgoing)
        {
            headers = headers.ToDictionary(h => h.Key, h => Redact(h.Value, ref redactedOut));
            if (text is not null) text = Redact(text, ref redactedOut);
        }
        var body = text is null ? null : Encoding.UTF8.GetBytes(text);
        var call = await http.SendAsync(method, url, headers, body, cancellation);
        return call.Answer is { } answer
            ? ToolOutcome<HttpFetchResponse>.Answered(Answer(answer, call.LastUrl, call.Address!, redactedOut), call)
            : ToolOutcome<HttpFetchResponse>.Refused(call.Refusal!, call);
    }

    private HttpFetchResponse Answer(CheckedAnswer answer, Uri url, string address, int redactedOut)
    {
        var redactedIn = 0;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in answer.Headers) headers[name] = options.RedactIncoming ? Redact(value, ref redactedIn) : value;
        var body = answer.Body.AsMemory();
        // The size limit can fall inside a character: the text ends at the last whole one, so a page stays text and is
        // masked wherever the limit falls (a target could otherwise place it to have its secrets come back as base64).
        if (answer.Truncated && Rune.DecodeLastFromUtf8(body.Span, out _, out var partial) == OperationStatus.NeedMoreData) body = body[..^partial];
        string? text = null;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(body.Span);
        }
        catch (ArgumentException)
        {
            // Not UTF-8: the bytes go back as base64 instead, all that was read.
            body = answer.Body;
        }
        // A binary body goes back as it came: masking bytes would corrupt it, and patterns are text.
        if (text is not null && options.RedactIncoming) text = Redact(text, ref redactedIn);
        return new HttpFetchResponse(answer.Status, url.AbsoluteUri, headers, text, text is null ? Convert.ToBase64String(answer.Body) : null,
            answer.Truncated, body.Length, address, answer.Redirects, redactedOut, redactedIn);
    }

    private string Redact(string text, ref int count)
    {
        var redacted = redactor.Redact(text, out var found);
        count += found;
        return redacted;
    }
}
