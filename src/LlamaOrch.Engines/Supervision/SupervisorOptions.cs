namespace LlamaOrch.Engines.Supervision;

/// <summary>Timings of replica supervision (Orchestrator:Supervisor).</summary>
public sealed record SupervisorOptions
{
    /// <summary>How long a new engine may take to answer /health with 200.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a reload waits for its new replicas (model download included) before it rolls back.</summary>
    public TimeSpan ReloadTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan RestartBackoffInitial { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan RestartBackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Consecutive failed starts or short-lived runs after which a replica is said to crash-loop.</summary>
    public int CrashLoopThreshold { get; init; } = 3;

    /// <summary>How often a ready engine's /health is checked, and how long one check may take.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Consecutive failed health checks after which a running engine is killed and restarted.</summary>
    public int UnhealthyThreshold { get; init; } = 3;

    /// <summary>A run that stayed healthy this long resets the failure count.</summary>
    public TimeSpan StableRun { get; init; } = TimeSpan.FromSeconds(30);
}
