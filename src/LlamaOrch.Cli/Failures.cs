using System.Net;
using System.Text.Json;
using LlamaOrch.Cli.Output;
using LlamaOrch.Client;
using LlamaOrch.Contracts.Errors;

namespace LlamaOrch.Cli;

/// <summary>
/// One clear line on stderr and an exit code for each way a command can fail (docs/cli.md, "Exit codes"); never a
/// stack trace for a failure a user can cause. Lines that concern a call end with its correlation id in brackets.
/// </summary>
internal static class Failures
{
    private static readonly TimeSpan ListPatience = TimeSpan.FromSeconds(5);

    public static async Task<int> GuardAsync(CliContext cli, Func<Task<int>> command)
    {
        try
        {
            return await command();
        }
        catch (Exception error)
        {
            // Anything else is a bug in llorch: its stack trace is what a report needs.
            if (await DescribeAsync(error, cli) is not { } described) throw;
            await Console.Error.WriteLineAsync($"llorch: {described.Line}");
            return described.Code;
        }
    }

    private static async Task<(int Code, string Line)?> DescribeAsync(Exception error, CliContext cli)
    {
        var url = cli.Url;
        switch (error)
        {
            case OperationCanceledException:
                return (ExitCodes.Cancelled, "interrupted");
            case ArgumentException { ParamName: { } parameter } argument:
                return (ExitCodes.Usage, argument.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal));
            case UsageException or ArgumentException:
                return (ExitCodes.Usage, error.Message);
            case UnknownNameException unknown:
                return (ExitCodes.NotFound, $"{unknown.Message} [{unknown.CorrelationId}]");
            case HttpRequestException { StatusCode: null } unreachable:
                return (ExitCodes.Unreachable, $"cannot reach orchestratord at {url}: {unreachable.Message}");
            case TimeoutException timeout:
                return (ExitCodes.Unreachable, $"orchestratord at {url} did not answer in time: {timeout.Message}");
            case LlamaOrchApiException api:
                return await DescribeApiAsync(api, cli);
            case JsonException json:
                return (ExitCodes.Failed, $"orchestratord at {url} answered with JSON llorch cannot read: {json.Message}");
            case TaskStreamInterruptedException interrupted:
                return (ExitCodes.Unreachable, interrupted.Message);
            default:
                return null;
        }
    }

    private static async Task<(int Code, string Line)> DescribeApiAsync(LlamaOrchApiException api, CliContext cli)
    {
        var url = cli.Url;
        var trace = $"[{api.CorrelationId}]";
        if (api.StatusCode == HttpStatusCode.Unauthorized)
        {
            var token = cli.Token;
            var where = token.Origin is null
                ? $"no token was found (looked at {token.LookedAt})"
                : $"the token from {token.Origin} was not accepted (looked at {token.LookedAt})";
            return (ExitCodes.Unauthorized, $"orchestratord at {url} wants a token ({api.Code}): {where} {trace}");
        }
        if (api.StatusCode == HttpStatusCode.Forbidden && api.Code == ErrorCodes.Forbidden)
        {
            var where = cli.Token is { Origin: { } origin } token
                ? $"the token from {origin} is wrong (looked at {token.LookedAt})"
                : "set --token or $LLORCH_API_TOKEN";
            return (ExitCodes.Unauthorized, $"orchestratord at {url} refused the token ({api.Code}): {where} {trace}");
        }
        if (api.IsBackpressure)
            return (ExitCodes.Busy, $"{api.Error.Message} ({(int)api.StatusCode} {api.Code}); the retries gave up{WaitOf(api)} {trace}");
        if (api.Code == ErrorCodes.PoolUnavailable && cli is { ModelAsked: { } model, HasClient: true }
            && await ModelsOfAsync(cli) is { } models && !models.Contains(model, StringComparer.Ordinal))
            return (ExitCodes.NotFound, $"orchestratord has no model '{model}' ({(int)api.StatusCode} {api.Code}); it has: {Listed(models)} {trace}");
        var code = api.StatusCode switch
        {
            HttpStatusCode.NotFound => ExitCodes.NotFound,
            HttpStatusCode.Conflict => ExitCodes.Conflict,
            _ => ExitCodes.Failed,
        };
        return (code, $"{(int)api.StatusCode} {api.Code}: {api.Error.Message} {trace}");
    }

    private static string WaitOf(LlamaOrchApiException api) =>
        api.RetryAfter is { } wait ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" (the server last asked for {wait.TotalSeconds:0.0} s more)") : "";

    /// <summary>The model refs the pools serve and the catalog's ids; null when the server will not say (the line then stays the server's).</summary>
    private static async Task<IReadOnlyList<string>?> ModelsOfAsync(CliContext cli)
    {
        using var patience = new CancellationTokenSource(ListPatience);
        try
        {
            var caps = (await cli.Client.GetCapabilitiesAsync(patience.Token)).Value;
            var catalog = (await cli.Client.ListModelsAsync(cancellationToken: patience.Token)).Value;
            return [.. caps.Engines.Select(e => e.Model).Concat(catalog.Models.Select(m => m.Id)).Distinct(StringComparer.Ordinal)];
        }
        catch (Exception error) when (error is LlamaOrchApiException or HttpRequestException or TimeoutException or OperationCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The names of what there is, comma-separated; "none" for nothing.</summary>
    public static string Listed(IEnumerable<string> names) => names.ToList() is { Count: > 0 } list ? string.Join(", ", list) : "none";

    /// <summary>A 404 for a pool, with the pools there are: the one mistake a user makes most with pool commands.</summary>
    public static async Task<Exception> UnknownPoolAsync(CliContext cli, string pool, LlamaOrchApiException notFound, CancellationToken cancellationToken)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(ListPatience);
        try
        {
            var caps = (await cli.Client.GetCapabilitiesAsync(patience.Token)).Value;
            return new UnknownNameException($"orchestratord has no pool '{pool}'; its pools: {Listed(caps.Engines.Select(e => e.PoolId))}", notFound.CorrelationId);
        }
        catch (Exception error) when (error is LlamaOrchApiException or HttpRequestException or TimeoutException or JsonException
                                      || (error is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return notFound;
        }
    }
}
