using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace LlamaOrch.Bdd.Target;

/// <summary>
/// A small HTTP server on loopback that the tool scenarios reach through orchestratord's tools (the runner puts it on
/// the tool policy's allow list): <c>/page</c> answers text that leaks a provider key, <c>/search</c> answers
/// SearXNG's JSON shape for the search tool, with the query as received in the first title.
/// </summary>
internal sealed class ToolTarget : IAsyncDisposable
{
    /// <summary>A provider key in the page's text: the tools' redaction must mask it before an agent sees it.</summary>
    public const string LeakedKey = "sk-ant-bdd0123456789abcdefghijklmnop";

    private readonly HttpListener _listener;
    private readonly Task _loop;

    private ToolTarget(HttpListener listener, int port)
    {
        _listener = listener;
        Port = port;
        _loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public static ToolTarget Start()
    {
        // HttpListener needs the port up front: take a free one, then listen on it (retried if it was taken meanwhile).
        for (var attempt = 0; ; attempt++)
        {
            var port = OrchestratordProcess.FreeLoopbackPort();
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                return new ToolTarget(listener, port);
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                var (type, body) = Answer(context.Request);
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.StatusCode = type is null ? 404 : 200;
                context.Response.ContentType = type ?? "text/plain";
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException)
            {
                // The client left; nothing to answer.
            }
        }
    }

    private static (string? ContentType, string Body) Answer(HttpListenerRequest request) => request.Url?.AbsolutePath switch
    {
        "/page" => ("text/plain; charset=utf-8", $"hello from the tool target; deploy key {LeakedKey}\n"),
        "/search" => ("application/json", new JsonObject
        {
            ["query"] = request.QueryString["q"],
            ["number_of_results"] = 2,
            ["results"] = new JsonArray(
                new JsonObject { ["title"] = $"about {request.QueryString["q"]}", ["url"] = "https://example.org/a", ["content"] = "first snippet", ["engine"] = "duckduckgo" },
                new JsonObject { ["title"] = "second", ["url"] = "https://example.org/b", ["content"] = "second snippet", ["engine"] = "bing" }),
        }.ToJsonString()),
        _ => (null, "not found"),
    };

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
