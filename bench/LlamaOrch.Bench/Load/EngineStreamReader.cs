using System.Diagnostics;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// Reads a llama.cpp completion stream (<c>data: {…}</c> frames, the last with <c>"stop":true</c>) to the end of its
/// body, counting token frames as they arrive. Shared by the paths that deliver the engine's own frames (straight to
/// the engine, and through llorch-bare's relay), so the client does the same work on both.
/// </summary>
internal static class EngineStreamReader
{
    public static async Task<StreamOutcome> ReadAsync(HttpResponseMessage response, long submitted, WorkerStats stats, CancellationToken cancellationToken)
    {
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new SseLineReader(body);
        long firstToken = 0;
        var tokens = 0;
        var final = false;
        // Read to the end of the body even after the final frame, so that the connection goes back to the pool.
        while (await reader.FillAsync(cancellationToken))
        {
            var now = Stopwatch.GetTimestamp();
            var arrived = 0;
            while (reader.TryReadLine(out var line))
            {
                if (final || !line.StartsWith("data: "u8)) continue;
                if (line.IndexOf("\"stop\":true"u8) >= 0) final = true;
                else arrived++;
            }
            if (arrived == 0) continue;
            if (firstToken == 0) firstToken = now;
            tokens += arrived;
            stats.CountTokens(arrived, now);
        }
        return final ? StreamOutcome.Ok(submitted, firstToken, tokens) : StreamOutcome.Failed(submitted, "engine stream ended without its stop frame");
    }
}
