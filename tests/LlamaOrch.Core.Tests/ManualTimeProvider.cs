namespace LlamaOrch.Core.Tests;

/// <summary>A clock that moves only when a test advances it (timestamps in milliseconds).</summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private long _nowMs = 1_000_000;

    public override long TimestampFrequency => 1000;

    public override long GetTimestamp() => Interlocked.Read(ref _nowMs);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddMilliseconds(GetTimestamp());

    public void Advance(TimeSpan by) => Interlocked.Add(ref _nowMs, (long)by.TotalMilliseconds);
}
