using System.Net;
using LlamaOrch.Client;

namespace LlamaOrch.Cli;

/// <summary>One clear line on stderr and an exit code for each way a command can fail.</summary>
internal static class Failures
{
    public static async Task<int> GuardAsync(Func<Task<int>> command, string url)
    {
        try
        {
            return await command();
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("llorch: interrupted");
            return ExitCodes.Cancelled;
        }
        catch (HttpRequestException error) when (error.StatusCode is null)
        {
            await Console.Error.WriteLineAsync($"llorch: cannot reach orchestratord at {url}: {error.Message}");
            return ExitCodes.Unreachable;
        }
        catch (LlamaOrchApiException error) when (error.StatusCode is HttpStatusCode.Unauthorized
                                                   || (error.StatusCode is HttpStatusCode.Forbidden && error.Code == "FORBIDDEN"))
        {
            await Console.Error.WriteLineAsync($"llorch: the server refused the token ({error.Code}): set --token or LLORCH_API_TOKEN [{error.CorrelationId}]");
            return ExitCodes.Unauthorized;
        }
        catch (LlamaOrchApiException error)
        {
            await Console.Error.WriteLineAsync($"llorch: {(int)error.StatusCode} {error.Code}: {error.Error.Message} [{error.CorrelationId}]");
            return ExitCodes.Failed;
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync($"llorch: {error.Message}");
            return ExitCodes.Failed;
        }
    }
}
