namespace LlamaOrch.Engines.Supervision;

/// <summary>Timings of replica supervision (Orchestrator:Supervisor).</summary>
public sealed record SupervisorOptions
{
    /// <summary>How long a new engine may take to answer /health with 200.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    public TimeSpan RestartBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan RestartBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Consecutive failed starts or short-lived runs after which a replica is said to crash-loop.</summary>
    public int CrashLoopThreshold { get; init; } = 3;

    /// <summary>A run that stayed healthy this long resets the failure count.</summary>
    public TimeSpan StableRun { get; init; } = TimeSpan.FromSeconds(30);
}
