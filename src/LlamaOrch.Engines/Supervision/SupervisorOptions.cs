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

    /// <summary>How often a ready engine's /health is checked.</summary>
    public TimeSpan HealthInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one health check may take: half an interval, so that checks never overlap and a missed one is
    /// known well before the next is due. A healthy engine answers in milliseconds.
    /// </summary>
    public TimeSpan HealthCheckTimeout => HealthInterval / 2;

    /// <summary>
    /// Consecutive missed health checks after which a running engine is declared hung, its tasks are taken
    /// back, and it is killed and restarted. The first miss already stops dispatch to it.
    /// </summary>
    public int UnhealthyThreshold { get; init; } = 3;

    /// <summary>
    /// Where the engines orchestratord starts are recorded (see <see cref="EngineRecords"/>), so that the next start
    /// stops those a crashed run left behind; null records nothing.
    /// </summary>
    public string? EngineRecordsDir { get; init; }

    /// <summary>A run that stayed healthy this long resets the failure count.</summary>
    public TimeSpan StableRun { get; init; } = TimeSpan.FromSeconds(30);
}
