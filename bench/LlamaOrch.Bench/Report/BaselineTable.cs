using System.Globalization;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Scenarios;

namespace LlamaOrch.Bench.Report;

/// <summary>
/// Each figure as a share of what llorch-bare (Kestrel with fixed answers) does on the same machine in the same run:
/// 429s per second, POST→202 (or POST→200 headers, one-request) latency, relayed frames per second and server CPU per frame.
/// </summary>
internal static class BaselineTable
{
    /// <param name="orchFlood">The flood's figures; null with <paramref name="bareFlood"/> when the run had no flood (<c>--only submit-modes</c>).</param>
    public static void Print(TextWriter output, BenchOptions options, FloodResult? orchFlood, FloodResult? bareFlood, IReadOnlyList<SubmitModeResult> modes)
    {
        output.WriteLine();
        output.WriteLine("Against a bare Kestrel baseline (llorch-bare: fixed 202, fixed 429, fixed SSE stream at the sim engine's frame size and rate), same run");
        if (orchFlood is not null && bareFlood is not null) PrintFlood(output, orchFlood, bareFlood);

        output.WriteLine($"  submit modes: {options.StreamModel}, max_tokens {options.MaxTokens}; orch = POST->202 then GET stream, -1r = POST with Accept: text/event-stream");
        output.WriteLine($"  {"streams",7} {"path",-8} {"submit p50",10} {"TTFT p50",9} {"frames/s",9} {"server cpu",10} {"us/frame",8} {"errors",6}");
        foreach (var level in modes)
        {
            foreach (var path in new[] { level.Orch, level.OrchOneRequest, level.Bare, level.BareOneRequest }) Row(output, path);
            Shares(output, "two-request", level.Orch, level.Bare);
            Shares(output, "one-request", level.OrchOneRequest, level.BareOneRequest);
        }
        foreach (var path in modes.SelectMany(l => new[] { l.Orch, l.OrchOneRequest, l.Bare, l.BareOneRequest }).Where(l => l.Errors > 0 || l.WrongTokenCounts > 0))
            output.WriteLine($"  note: {path.Streams} streams {path.Path}: {path.Errors} errors, {path.WrongTokenCounts} streams with a token count other than max_tokens; first error: {path.FirstError}");
    }

    private static void PrintFlood(TextWriter output, FloodResult orchFlood, FloodResult bareFlood)
    {
        output.WriteLine($"  429 answers/s      orch {Format.Count(orchFlood.RejectedPerSecond)} (p50 {Format.Ms(orchFlood.LatencyP50Ms)}), bare {Format.Count(bareFlood.RejectedPerSecond)} (p50 {Format.Ms(bareFlood.LatencyP50Ms)}): " +
                         $"{Ratio(orchFlood.RejectedPerSecond / bareFlood.RejectedPerSecond)} of bare");
        if (bareFlood.Errors > 0 || bareFlood.Accepted > 0 || bareFlood.OtherStatuses.Count > 0)
            output.WriteLine($"  note: the bare flood had {bareFlood.Errors} errors and {bareFlood.Accepted + bareFlood.OtherStatuses.Values.Sum()} answers other than 429; first error: {bareFlood.FirstError}");
    }

    private static void Row(TextWriter output, LevelResult level) =>
        output.WriteLine($"  {level.Streams,7} {level.Path,-8} {Format.Ms(level.AdmitP50Ms),10} {Format.Ms(level.TtftP50Ms),9} {Format.Count(level.TokensPerSecond),9} " +
                         $"{Format.Percent(ServerPercent(level)),10} {Micro(MicrosPerFrame(level)),8} {level.Errors,6}");

    private static void Shares(TextWriter output, string mode, LevelResult orch, LevelResult bare) =>
        output.WriteLine($"  {"",7} {mode}: submit p50 {Ratio(orch.AdmitP50Ms / bare.AdmitP50Ms)} of bare ({Format.SignedMs(orch.AdmitP50Ms - bare.AdmitP50Ms)}), " +
                         $"frames/s {Ratio(orch.TokensPerSecond / bare.TokensPerSecond)} of bare, cpu per frame {Ratio(MicrosPerFrame(orch) / MicrosPerFrame(bare))} of bare");

    /// <summary>The server's own share of a core: orchestratord alone (not its engines), or llorch-bare.</summary>
    internal static double ServerPercent(LevelResult level) =>
        level.Cpu.Where(c => c.Name is "orch" or "bare" or "relay").Sum(c => c.Percent);

    /// <summary>Server CPU per relayed token frame, in microseconds.</summary>
    internal static double MicrosPerFrame(LevelResult level) =>
        level.Tokens == 0 ? double.NaN : ServerPercent(level) / 100 * level.Seconds * 1e6 / level.Tokens;

    internal static string Micro(double value) => double.IsNaN(value) ? "-" : value.ToString("0.0", CultureInfo.InvariantCulture);

    internal static string Ratio(double value) =>
        double.IsNaN(value) || double.IsInfinity(value) ? "-" : value.ToString("0.00", CultureInfo.InvariantCulture) + "x";
}
