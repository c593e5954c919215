namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// How long a replica that stopped serving waits before its next start: exponential over its failures in a row,
/// capped at <see cref="SupervisorOptions.RestartBackoffMax"/>; a run that lasted <see cref="SupervisorOptions.StableRun"/>
/// counts as the first failure again. <see cref="SupervisorOptions.CrashLoopThreshold"/> failures in a row are a crash loop.
/// </summary>
/// <remarks>
/// Kept by hand rather than as a Polly retry: a retry pipeline counts attempts within one execution and cannot
/// reset them after a healthy run, so the supervisor's run-forever loop would need a second copy of the first
/// failure's path (report, log, wait) outside the pipeline, for the sake of a one-line formula.
/// </remarks>
internal sealed class RestartBackoff(SupervisorOptions options)
{
    public int Failures { get; private set; }

    public bool CrashLoop => Failures >= options.CrashLoopThreshold;

    /// <summary>Counts a run that ended after <paramref name="ranFor"/>; returns the wait before the next start.</summary>
    public TimeSpan Failed(TimeSpan ranFor)
    {
        Failures = ranFor >= options.StableRun ? 1 : Failures + 1;
        var ms = options.RestartBackoffInitial.TotalMilliseconds * Math.Pow(2, Failures - 1);
        return TimeSpan.FromMilliseconds(Math.Min(ms, options.RestartBackoffMax.TotalMilliseconds));
    }
}
