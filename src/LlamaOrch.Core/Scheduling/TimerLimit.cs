namespace LlamaOrch.Core.Scheduling;

/// <summary>
/// The longest a .NET timer waits (2^32 − 2 ms, 49.7 days): a <c>CancellationTokenSource</c>, <c>Task.Delay</c> or
/// <c>PeriodicTimer</c> given longer throws. Settings that a timer waits on are bounded by it at start, and a wait
/// computed at run time (a time budget) past it needs no timer at all.
/// </summary>
public static class TimerLimit
{
    public static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary><see cref="Longest"/> in whole seconds.</summary>
    public const int LongestSeconds = 4_294_967;
}
