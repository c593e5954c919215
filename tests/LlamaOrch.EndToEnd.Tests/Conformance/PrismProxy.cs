using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests.Conformance;

/// <summary>
/// Stoplight Prism in proxy mode with <c>--errors</c>, built from one document of contracts/openapi and standing on
/// 127.0.0.1 in front of a real orchestratord: every answer that passes through it is checked against the document.
/// Prism answers a broken response with 500, <c>application/problem+json</c> whose <c>type</c> ends in
/// <c>#VIOLATIONS</c>, and the findings in an <c>sl-violations</c> header; a route the document lacks gets 404 with
/// <c>#NO_PATH_MATCHED_ERROR</c>. Request validation is off: the error answers are provoked with requests the
/// document forbids, and those must reach orchestratord.
/// </summary>
internal sealed class PrismProxy : IAsyncDisposable
{
    public const string InstallCommand = "npm ci --prefix build/npm";

    private readonly Process _process;
    private readonly StringBuilder _log;

    private PrismProxy(Process process, StringBuilder log, Uri address)
    {
        _process = process;
        _log = log;
        Http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(120) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Orchestrator.Token);
    }

    /// <summary>A client whose requests go through the proxy, with orchestratord's token.</summary>
    public HttpClient Http { get; }

    public static string Executable => RepoPaths.InRepo("build", "npm", "node_modules", ".bin", "prism");

    public static async Task<PrismProxy> StartAsync(string document, Uri upstream)
    {
        // A missing tool is a broken checkout, not a reason to skip the check.
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"Prism is not installed at {Executable}; run `{InstallCommand}` in the repository root.");

        var port = FreePort();
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "proxy", RepoPaths.InRepo("contracts", "openapi", document), upstream.ToString().TrimEnd('/'),
                     "--errors", "--validate-request", "false", "--host", "127.0.0.1", "--port", port.ToString(),
                     "--cors", "false",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        var log = new StringBuilder();
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.AppendLine(e.Data);
            if (e.Data.Contains("Prism is listening on", StringComparison.Ordinal)) listening.TrySetResult();
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"Prism exited before listening:\n{Text(log)}"));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var proxy = new PrismProxy(process, log, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await listening.Task.WaitAsync(TimeSpan.FromSeconds(120));
            return proxy;
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Sends a request through the proxy and fails on any finding Prism marks as an error; the answer is
    /// orchestratord's, as it passed the check.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        var response = await Http.SendAsync(request);
        await AssertConformsAsync(request, response);
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));

    public Task<HttpResponseMessage> PostAsync(string path, string? json = null, string contentType = "application/json") =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = json is null ? null : new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue(contentType)),
        });

    public static async Task AssertConformsAsync(HttpRequestMessage request, HttpResponseMessage response)
    {
        var what = $"{request.Method} {request.RequestUri}";
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"{what}: Prism rejected the answer ({(int)response.StatusCode}): {body}");
        }
        if (response.Headers.TryGetValues("sl-violations", out var violations))
        {
            var text = string.Join("", violations);
            // Warnings (an undocumented header, say) pass; what the document forbids does not.
            Assert.False(text.Contains("\"severity\":\"Error\"", StringComparison.Ordinal), $"{what}: {text}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Text(StringBuilder log)
    {
        lock (log) return log.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started: nothing to stop.
        }
        _process.Dispose();
    }
}
