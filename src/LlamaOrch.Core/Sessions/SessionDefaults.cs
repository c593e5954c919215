namespace LlamaOrch.Core.Sessions;

/// <summary>The documented defaults of <c>Orchestrator:Sessions</c>.</summary>
public static class SessionDefaults
{
    /// <summary>A session ends after this long without a task: long enough for a person to read a reply and answer.</summary>
    public static readonly TimeSpan IdleTtl = TimeSpan.FromMinutes(30);

    /// <summary>
    /// A task waits this long at most for the busy slot holding its session's KV: about what a short reply takes, and
    /// far less than evaluating a long conversation again in another slot.
    /// </summary>
    public static readonly TimeSpan AffinityWait = TimeSpan.FromMilliseconds(250);
}
