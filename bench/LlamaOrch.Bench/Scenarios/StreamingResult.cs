using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>The two paths at one concurrency, measured back to back in the same run.</summary>
internal sealed record StreamingResult(LevelResult Direct, LevelResult Orch)
{
    public int Streams => Orch.Streams;

    public double AddedTtftP50Ms => Orch.TtftP50Ms - Direct.TtftP50Ms;

    public double AddedTtftP99Ms => Orch.TtftP99Ms - Direct.TtftP99Ms;

    /// <summary>Relayed tokens per second over the engine-alone rate at the same concurrency.</summary>
    public double RelayRatio => Orch.TokensPerSecond / Direct.TokensPerSecond;
}
