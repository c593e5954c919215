namespace LlamaOrch.Cli;

/// <summary>llorch's exit codes (docs/client-sdk.md, "llorch").</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The server refused the request or the task failed.</summary>
    public const int Failed = 1;
    /// <summary>The server could not be reached.</summary>
    public const int Unreachable = 3;
    /// <summary>The token was missing or wrong (401/403 on authentication).</summary>
    public const int Unauthorized = 4;
    /// <summary>Interrupted (Ctrl-C); the task was cancelled on the server.</summary>
    public const int Cancelled = 130;
}
