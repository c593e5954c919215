using System.CommandLine;
using LlamaOrch.Client;

namespace LlamaOrch.Cli;

/// <summary>The options every command takes: where the server is, the token, the correlation id, JSON output.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Url = new("--url")
    {
        Description = "orchestratord's address (default: $LLORCH_URL, else http://127.0.0.1:8080)",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "API token (default: $LLORCH_API_TOKEN, else the token file orchestratord writes on this machine)",
        Recursive = true,
    };

    public static readonly Option<string?> CorrelationId = new("--correlation-id")
    {
        Description = "X-Correlation-Id for every request (default: a fresh one)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "machine-readable JSON output",
        Recursive = true,
    };

    public static string UrlOf(ParseResult parse) =>
        parse.GetValue(Url) ?? Environment.GetEnvironmentVariable("LLORCH_URL") ?? "http://127.0.0.1:8080";

    public static LlamaOrchClient ClientOf(ParseResult parse)
    {
        var url = UrlOf(parse);
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var address))
            throw new ArgumentException($"--url: '{url}' is not an absolute URL");
        return new LlamaOrchClient(new LlamaOrchClientOptions
        {
            BaseAddress = address,
            ApiToken = parse.GetValue(Token) ?? ApiToken.Resolve(),
            CorrelationId = parse.GetValue(CorrelationId),
        });
    }
}
