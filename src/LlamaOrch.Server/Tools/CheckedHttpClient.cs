using System.Net;
using System.Net.Sockets;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// The one way a tool reaches the network, through <see cref="IToolPolicy"/> at every hop: the fetch tool's target
/// and the search tool's backend alike. Each hop checks the URL, resolves the host once, checks every address it
/// resolves to, and connects to the checked address through the handler's ConnectCallback: what the policy saw
/// is what is reached, so a name that re-resolves elsewhere (DNS rebinding) gains nothing. Redirects are followed
/// here, not by the handler, so each Location is checked the same way. The body is read up to the size limit and
/// truncated there; the whole call has one time limit. Nothing is redacted here: that is each tool's business.
/// </summary>
internal sealed class CheckedHttpClient(IToolPolicy policy, ToolPolicyOptions options)
{
    private static readonly HttpRequestOptionsKey<IPAddress> CheckedAddress = new("llorch.checked-address");
    private static readonly HashSet<string> CredentialHeaders = new(["Authorization", "Cookie", "Proxy-Authorization"], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Headers the client makes itself at every hop: <c>Host</c> from the hop's URL (a caller's would send a name the
    /// policy never checked to the checked address) and <c>Content-Length</c> from the body as sent (after redaction).
    /// </summary>
    private static readonly HashSet<string> OwnHeaders = new(["Host", "Content-Length"], StringComparer.OrdinalIgnoreCase);

    /// <summary>The longest host name DNS can carry, in its text form without a trailing dot.</summary>
    public const int MaxHostLength = 253;

    /// <param name="maxBytes">The response size limit; the policy's <c>MaxResponseBytes</c> when null.</param>
    /// <param name="timeoutMs">The limit on the whole call; the policy's <c>TimeoutMs</c> when null.</param>
    /// <param name="limitsKey">The configuration section the limits come from, named in the failure's message.</param>
    public async Task<CheckedResponse> SendAsync(HttpMethod method, Uri url, IReadOnlyDictionary<string, string> headers, byte[]? body,
        CancellationToken cancellation, int? maxBytes = null, int? timeoutMs = null, string limitsKey = "Orchestrator:Tools:Http")
    {
        var timeout = timeoutMs ?? options.TimeoutMs;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        // One handler per call: its pooled connections were all made to addresses this call checked.
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectCallback = ConnectToCheckedAddressAsync,
        };
        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        long bytesOut = 0;
        string? address = null;
        try
        {
            for (var hop = 0; ; hop++)
            {
                var decision = policy.CheckTarget(url);
                // Refused before resolving: no address belongs to this hop (an earlier hop's would mislead the audit).
                if (!decision.Allowed) return Refused(decision, url, null, bytesOut);
                var (checkedAddress, refusal) = await ResolveAsync(url, limit.Token);
                if (refusal is not null) return Refused(refusal, url, checkedAddress?.ToString(), bytesOut);
                address = checkedAddress!.ToString();

                using var request = new HttpRequestMessage(method, url);
                if (body is not null) request.Content = new ByteArrayContent(body);
                foreach (var (name, value) in headers)
                {
                    if (OwnHeaders.Contains(name)) continue;
                    if (!request.Headers.TryAddWithoutValidation(name, value)) request.Content?.Headers.TryAddWithoutValidation(name, value);
                }
                request.Options.Set(CheckedAddress, checkedAddress);
                bytesOut += body?.Length ?? 0;

                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token);
                if (IsRedirect(response.StatusCode) && response.Headers.Location is { } location)
                {
                    if (hop >= options.MaxRedirects)
                        return Refused(ToolDecision.Refuse(ToolPolicyRules.Redirects, $"more than {options.MaxRedirects} redirects (Orchestrator:Tools:Http:MaxRedirects)"), url, address, bytesOut);
                    var next = new Uri(url, location);
                    // Credentials meant for one origin are not handed to another, as browsers do.
                    if (!string.Equals(next.GetLeftPart(UriPartial.Authority), url.GetLeftPart(UriPartial.Authority), StringComparison.OrdinalIgnoreCase))
                        headers = headers.Where(h => !CredentialHeaders.Contains(h.Key)).ToDictionary();
                    url = next;
                    // As browsers do: 303 always, and 301/302 after a POST, go on as a GET without the body.
                    if (response.StatusCode == HttpStatusCode.SeeOther || (method == HttpMethod.Post && (int)response.StatusCode is 301 or 302))
                    {
                        method = method == HttpMethod.Head ? method : HttpMethod.Get;
                        body = null;
                    }
                    continue;
                }
                var (bytes, truncated) = await ReadLimitedAsync(response, maxBytes ?? options.MaxResponseBytes, limit.Token);
                var answerHeaders = response.Headers.Concat(response.Content.Headers).Select(h => (h.Key, string.Join(", ", h.Value))).ToList();
                return new CheckedResponse(new CheckedAnswer((int)response.StatusCode, answerHeaders, bytes, truncated, hop), null, url, address, bytesOut, bytes.Length);
            }
        }
        // InvalidOperationException: a request the HTTP stack refuses to send (a header value it cannot encode).
        // The caller's own cancellation (a client that went away) ends here too: the request may have reached the
        // target, so the call is answered as failed for the audit row, and the caller's door rethrows once it is written.
        catch (Exception error) when (error is HttpRequestException or SocketException or IOException or InvalidOperationException or OperationCanceledException)
        {
            var why = error is not OperationCanceledException ? $"the target could not be reached or failed: {error.Message}"
                : cancellation.IsCancellationRequested ? "the caller went away before the call ended"
                : $"no complete answer within {timeout} ms ({limitsKey}:TimeoutMs)";
            return new CheckedResponse(null, new Rejection(ErrorCodes.ToolFetchFailed, why, Retriable: true), url, address, bytesOut, 0);
        }
    }

    /// <summary>The address to connect to (an IPv4 one first, as most local servers listen there), once every address the host has passed the policy.</summary>
    private async Task<(IPAddress? Address, ToolDecision? Refusal)> ResolveAsync(Uri url, CancellationToken cancellation)
    {
        var host = url.IdnHost;
        // The resolver throws ArgumentOutOfRangeException for a longer name: a redirect's Location is the target's doing, so it fails as the target's.
        if (host.TrimEnd('.').Length > MaxHostLength) throw new HttpRequestException($"the host name is longer than {MaxHostLength} characters, more than DNS carries");
        var addresses = IpSpelling.Parse(host) is { } literal
            ? [literal]
            : (await Dns.GetHostAddressesAsync(host, cancellation)).Select(IpSpelling.Unmap).Distinct().ToArray();
        if (addresses.Length == 0) throw new HttpRequestException($"'{host}' resolves to no address");
        foreach (var address in addresses)
        {
            var decision = policy.CheckAddress(url, address);
            if (!decision.Allowed) return (address, decision);
        }
        return (addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0], null);
    }

    private static async ValueTask<Stream> ConnectToCheckedAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        // A request without a checked address never came through SendAsync: connect to nothing.
        if (!context.InitialRequestMessage.Options.TryGetValue(CheckedAddress, out var address))
            throw new HttpRequestException("no address was checked for this connection");
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellation);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<(byte[] Bytes, bool Truncated)> ReadLimitedAsync(HttpResponseMessage response, int max, CancellationToken cancellation)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation);
        var buffer = new byte[Math.Min((long)max + 1, 64 * 1024)];
        using var kept = new MemoryStream();
        while (kept.Length <= max && await stream.ReadAsync(buffer, cancellation) is var read and > 0) kept.Write(buffer, 0, read);
        var bytes = kept.ToArray();
        return bytes.Length > max ? (bytes[..max], true) : (bytes, false);
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;

    private static CheckedResponse Refused(ToolDecision decision, Uri url, string? address, long bytesOut) =>
        new(null, new Rejection(ErrorCodes.ToolPolicyDenied, decision.Reason, Retriable: false, PolicyLabel: decision.Rule), url, address, bytesOut, 0);
}
