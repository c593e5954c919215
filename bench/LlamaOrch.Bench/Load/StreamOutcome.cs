namespace LlamaOrch.Bench.Load;

/// <summary>One task as a client saw it, in Stopwatch ticks (0 = never happened).</summary>
internal readonly record struct StreamOutcome(long Submitted, long FirstToken, int Tokens, string? Error)
{
    public static StreamOutcome Ok(long submitted, long firstToken, int tokens) => new(submitted, firstToken, tokens, null);

    public static StreamOutcome Failed(long submitted, string error) => new(submitted, 0, 0, error);
}
