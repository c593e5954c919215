using System.CommandLine;
using LlamaOrch.Cli.Auth;
using LlamaOrch.Client;

namespace LlamaOrch.Cli;

/// <summary>The options every command takes: where the server is, the token, the correlation id, JSON output, verbosity.</summary>
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
        Description = "X-Correlation-Id for every request (default: a fresh one per call)",
        Recursive = true,
    };

    public static readonly Option<bool> Json = new("--json")
    {
        Description = "machine-readable output: the wire JSON, one document on stdout",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "also print the correlation id the server echoed, on stderr",
        Recursive = true,
    };

    public static readonly Option<TimeSpan?> RetryFor = new("--retry-for")
    {
        Description = "how long to keep retrying a full queue (429) or a retriable 503, e.g. 30s (default 10m; a task's deadline ends it sooner)",
        Recursive = true,
        CustomParser = Arguments.Durations.Parse,
    };

    public static string UrlOf(ParseResult parse) =>
        parse.GetValue(Url) ?? Environment.GetEnvironmentVariable("LLORCH_URL") ?? "http://127.0.0.1:8080";
}
