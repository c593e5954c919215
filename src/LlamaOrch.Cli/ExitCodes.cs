namespace LlamaOrch.Cli;

/// <summary>llorch's exit codes (docs/cli.md, "Exit codes"); scripts depend on them, so a code never changes meaning.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The server refused the request or the task failed.</summary>
    public const int Failed = 1;
    /// <summary>An invalid argument or option, found before any request was sent.</summary>
    public const int Usage = 2;
    /// <summary>The server could not be reached, or did not answer in time.</summary>
    public const int Unreachable = 3;
    /// <summary>The token was missing or wrong (401/403 on authentication).</summary>
    public const int Unauthorized = 4;
    /// <summary>The queue stayed full (429) until the retries gave up.</summary>
    public const int Busy = 5;
    /// <summary>What the command named does not exist: a pool, a model, a session, an artifact, a catalog entry.</summary>
    public const int NotFound = 6;
    /// <summary>The request conflicts with the server's state (409): a reload that failed or runs, a catalog id taken or in use, a task id held.</summary>
    public const int Conflict = 7;
    /// <summary>Interrupted (Ctrl-C); the task was cancelled on the server.</summary>
    public const int Cancelled = 130;
}
