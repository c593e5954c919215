namespace LlamaOrch.Core.Sessions;

/// <summary>The documented defaults of <c>Orchestrator:Sessions</c>.</summary>
public static class SessionDefaults
{
    /// <summary>A session ends after this long without a task: long enough for a person to read a reply and answer.</summary>
    public static readonly TimeSpan IdleTtl = TimeSpan.FromMinutes(30);
}
