namespace LlamaOrch.Bench.Load;

/// <summary>One path (direct or orch) at one concurrency, merged over its workers.</summary>
internal sealed record LevelResult(
    string Path,
    int Streams,
    double Seconds,
    int Completed,
    int Admissions,
    long Tokens,
    double TtftP50Ms,
    double TtftP99Ms,
    int TtftSamples,
    double AdmitP50Ms,
    int Errors,
    string? FirstError,
    int WrongTokenCounts,
    IReadOnlyList<(string Name, double Percent)> Cpu,
    long? MaxRssBytes,
    long? MaxThreads)
{
    public double TasksPerSecond => Completed / Seconds;

    public double AdmissionsPerSecond => Admissions / Seconds;

    public double TokensPerSecond => Tokens / Seconds;

    public static LevelResult Merge(string path, int streams, MeasureWindow window, IReadOnlyList<WorkerStats> workers,
        IReadOnlyList<(string, double)> cpu, long? maxRssBytes, long? maxThreads)
    {
        var ttft = workers.SelectMany(w => w.TtftMs).Order().ToList();
        return new LevelResult(
            path,
            streams,
            window.Seconds,
            workers.Sum(w => w.CompletedInWindow),
            workers.Sum(w => w.AdmissionsInWindow),
            workers.Sum(w => w.TokensInWindow),
            Percentiles.Of(ttft, 50),
            Percentiles.Of(ttft, 99),
            ttft.Count,
            Percentiles.Of(workers.SelectMany(w => w.AdmitMs).Order().ToList(), 50),
            workers.Sum(w => w.Errors),
            workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null),
            workers.Sum(w => w.WrongTokenCount),
            cpu,
            maxRssBytes,
            maxThreads);
    }
}
