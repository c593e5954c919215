using System.Diagnostics;

namespace LlamaOrch.Bench.Load;

/// <summary>The measured span of a run, in Stopwatch ticks; what happens before it is warm-up, after it drain.</summary>
internal readonly record struct MeasureWindow(long Start, long End)
{
    public static MeasureWindow After(TimeSpan warmup, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp() + Ticks(warmup);
        return new MeasureWindow(start, start + Ticks(duration));
    }

    public double Seconds => (End - Start) / (double)Stopwatch.Frequency;

    public bool Contains(long timestamp) => timestamp >= Start && timestamp < End;

    public bool IsOver => Stopwatch.GetTimestamp() >= End;

    public static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);

    public static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
