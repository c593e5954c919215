using System.CommandLine;
using System.Globalization;
using LlamaOrch.Cli.Auth;
using LlamaOrch.Cli.Output;
using LlamaOrch.Client;

namespace LlamaOrch.Cli;

/// <summary>
/// One command's invocation: where the server is, the token and where it was found, the output, and the client (made
/// on first use, so a command that fails on its arguments never touches the network). Failures reads it to say which
/// URL it tried, where it looked for the token, and which models or pools there are.
/// </summary>
internal sealed class CliContext : IDisposable
{
    private readonly ParseResult _parse;
    private LlamaOrchClient? _client;

    private CliContext(ParseResult parse)
    {
        _parse = parse;
        Url = GlobalOptions.UrlOf(parse);
        Token = TokenSource.Resolve(parse.GetValue(GlobalOptions.Token));
        Output = new CliOutput(parse.GetValue(GlobalOptions.Json), parse.GetValue(GlobalOptions.Verbose));
    }

    public string Url { get; }

    public TokenSource Token { get; }

    public CliOutput Output { get; }

    /// <summary>The model the command asked for, when it named one: a refusal for it is checked against the models there are.</summary>
    public string? ModelAsked { get; set; }

    /// <summary>A longer limit per request than the SDK's 100 s, for calls that last as long as the server works (a reload).</summary>
    public TimeSpan? RequestTimeout { get; set; }

    /// <summary>Whether a note goes to stderr before each retry (on unless a command reports retries its own way).</summary>
    public bool RetryNotes { get; set; } = true;

    /// <summary>Whether a client was made (Failures asks the server for lists only through one that was).</summary>
    public bool HasClient => _client is not null;

    public LlamaOrchClient Client => _client ??= NewClient();

    private LlamaOrchClient NewClient()
    {
        try
        {
            return new LlamaOrchClient(OptionsOf(_parse, Url, Token.Token, RequestTimeout, () => RetryNotes));
        }
        catch (ArgumentException bad) when (bad.ParamName == nameof(LlamaOrchClientOptions.ApiToken))
        {
            // The SDK's words, and where the token came from (never the token itself).
            throw new UsageException($"the token from {Token.Origin}: {bad.Message.Replace($" (Parameter '{bad.ParamName}')", "", StringComparison.Ordinal)}");
        }
    }

    /// <summary>Runs <paramref name="body"/> with a context, mapping every failure to one stderr line and an exit code.</summary>
    public static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<CliContext, CancellationToken, Task<int>> body)
    {
        using var cli = new CliContext(parse);
        return await Failures.GuardAsync(cli, () => body(cli, cancellationToken));
    }

    /// <summary>The SDK options every command uses: address, token, correlation id, and a note on stderr before each retry.</summary>
    public static LlamaOrchClientOptions OptionsOf(ParseResult parse, string url, string? token, TimeSpan? requestTimeout = null, Func<bool>? notes = null)
    {
        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            throw new UsageException($"--url: '{url}' is not an http:// or https:// URL");
        var defaults = new LlamaOrchClientOptions();
        return new LlamaOrchClientOptions
        {
            BaseAddress = address,
            ApiToken = token,
            CorrelationId = parse.GetValue(GlobalOptions.CorrelationId),
            RequestTimeout = requestTimeout ?? defaults.RequestTimeout,
            Retry = defaults.Retry with
            {
                MaxRetryDuration = parse.GetValue(GlobalOptions.RetryFor) ?? defaults.Retry.MaxRetryDuration,
                OnRetry = attempt => { if (notes?.Invoke() ?? true) CliOutput.Note(RetryLine(attempt)); },
            },
        };
    }

    /// <summary>"the queue of pool 'tiny' is full (1 tasks) (429 ADMISSION_REJECT); retrying in 1.2 s (try 2)".</summary>
    internal static string RetryLine(RetryAttempt attempt)
    {
        var why = attempt.Error switch
        {
            LlamaOrchApiException api => $"{api.Error.Message} ({(int)api.StatusCode} {api.Code})",
            _ => $"connection lost ({attempt.Error.Message})",
        };
        return string.Create(CultureInfo.InvariantCulture, $"{why}; retrying in {attempt.Delay.TotalSeconds:0.0} s (try {attempt.NextAttempt})");
    }

    public void Dispose() => _client?.Dispose();
}
