namespace LlamaOrch.EngineHost.Tests.Unit;

/// <summary>A clock that stands still unless a test moves it; its timers are the real ones.</summary>
internal sealed class ManualClock : TimeProvider
{
    public long Now { get; set; } = 1_000_000;

    public override long TimestampFrequency => 1_000_000;

    public override long GetTimestamp() => Now;
}
