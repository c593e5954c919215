using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// A stand-in for SearXNG on 127.0.0.1 (SearXNG itself needs Python packages this machine cannot get): <c>GET
/// /search?q=…&amp;format=json</c> answers SearXNG's documented JSON shape (<c>{"query", "number_of_results",
/// "results": [{"title", "url", "content", "engine", "score"}]}</c>). The query picks a misbehaviour: <c>garbage</c>
/// (HTML), <c>broken</c> (JSON without results), <c>fail</c> (HTTP 500), <c>big</c> (past any small limit),
/// <c>slow</c> (never answers), <c>redirect:URL</c> (302 there), <c>many</c> (60 results); anything else gets three
/// results, the first titled with the query as received, one leaking a token.
/// </summary>
internal sealed class SearchBackend : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SearchBackend(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/search";

    /// <summary>Every query string received, in order.</summary>
    public ConcurrentQueue<string> Received { get; } = new();

    public static async Task<SearchBackend> StartAsync()
    {
        SearchBackend? backend = null;
        var (app, address) = await LoopbackApp.StartAsync(app => app.MapGet("/search", async (HttpContext context) =>
        {
            backend!.Received.Enqueue(context.Request.QueryString.Value ?? string.Empty);
            var q = context.Request.Query["q"].ToString();
            if (context.Request.Query["format"] != "json") return Results.StatusCode(403); // as SearXNG does without the json format
            if (q == "garbage") return Results.Content("<html><body>Too many requests</body></html>", "text/html");
            if (q == "broken") return Results.Content("{\"query\": \"broken\", \"answers\": []}", "application/json");
            if (q == "fail") return Results.StatusCode(500);
            if (q == "slow")
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                return Results.Empty;
            }
            if (q.StartsWith("redirect:", StringComparison.Ordinal)) return Results.Redirect(q["redirect:".Length..]);
            var results = new JsonArray();
            if (q == "big") results.Add(Result(new string('x', 100_000), "https://big.example/", "", "bing", 1));
            else if (q == "many") for (var i = 0; i < 60; i++) results.Add(Result($"result {i}", $"https://example.org/{i}", "", "duckduckgo", 60 - i));
            else
            {
                results.Add(Result($"about {q}", "https://example.org/a", "first snippet", "duckduckgo", 2.5));
                results.Add(Result("leaky", "https://example.org/b?key=x", "token ghp_0123456789abcdefghijklmnopqrstuvwxyz and internal-4242", "google", null));
                results.Add(new JsonObject { ["title"] = "no url, skipped", ["content"] = "x" });
                results.Add(Result("third", "https://example.org/c", "", "brave", 0.5));
            }
            var answer = new JsonObject { ["query"] = q, ["number_of_results"] = results.Count, ["results"] = results, ["answers"] = new JsonArray(), ["suggestions"] = new JsonArray() };
            return Results.Content(answer.ToJsonString(), "application/json");
        }));
        backend = new SearchBackend(app, address.Port);
        return backend;
    }

    private static JsonObject Result(string title, string url, string content, string engine, double? score)
    {
        var result = new JsonObject { ["title"] = title, ["url"] = url, ["content"] = content, ["engine"] = engine, ["engines"] = new JsonArray(engine) };
        if (score is { } s) result["score"] = s;
        return result;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
