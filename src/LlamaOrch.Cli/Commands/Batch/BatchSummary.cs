using System.Globalization;
using System.Text.Json;

namespace LlamaOrch.Cli.Commands;

/// <summary>The end of a batch: how many lines became finished tasks, how the server pushed back, and the throughput.</summary>
/// <param name="RetriedAfter429">Tasks that were answered 429 at least once and then admitted (or given up on).</param>
/// <param name="Responses429">All 429 answers over the batch.</param>
/// <param name="ConcurrencyCuts">How many times the 429s halved the concurrency.</param>
internal sealed record BatchSummary(
    int Total, int Done, int Failed, int InvalidLines, int RetriedAfter429, int Responses429, long TokensOut, TimeSpan Elapsed,
    int InitialConcurrency, int FinalConcurrency, int ConcurrencyCuts)
{
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? TokensOut / Elapsed.TotalSeconds : 0;

    public string ToText() => string.Create(CultureInfo.InvariantCulture,
        $"done {Done}/{Total}, retried after 429: {RetriedAfter429} ({Responses429} × 429), failed {Failed}, invalid lines {InvalidLines}; " +
        $"{TokensOut} tokens in {Elapsed.TotalSeconds:0.0} s = {TokensPerSecond:0.0} tokens/s; " +
        $"concurrency {InitialConcurrency} → {FinalConcurrency} ({ConcurrencyCuts} cuts)");

    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("total", Total);
            json.WriteNumber("done", Done);
            json.WriteNumber("failed", Failed);
            json.WriteNumber("invalid_lines", InvalidLines);
            json.WriteNumber("retried_after_429", RetriedAfter429);
            json.WriteNumber("responses_429", Responses429);
            json.WriteNumber("tokens_out", TokensOut);
            json.WriteNumber("elapsed_ms", (long)Elapsed.TotalMilliseconds);
            json.WriteNumber("tokens_per_second", Math.Round(TokensPerSecond, 1));
            json.WriteNumber("initial_concurrency", InitialConcurrency);
            json.WriteNumber("final_concurrency", FinalConcurrency);
            json.WriteNumber("concurrency_cuts", ConcurrencyCuts);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
