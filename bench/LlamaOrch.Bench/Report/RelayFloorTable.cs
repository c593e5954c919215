using System.Globalization;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Scenarios;

namespace LlamaOrch.Bench.Report;

/// <summary>
/// Time to first token against its floor, from the submit modes: the engine alone, the same engine behind a relay with
/// no logic (llorch-bare), and orchestratord in both modes. What the relay adds over the engine is what any second
/// loopback HTTP hop costs on this machine now; what orchestratord adds over the relay is its own.
/// </summary>
internal static class RelayFloorTable
{
    public static void Print(TextWriter output, BenchOptions options, SubmitModesRun run)
    {
        var modes = run.Levels;
        output.WriteLine();
        output.WriteLine("Time to first token over a no-logic hop (same run, same levels): direct = POST /completion straight to a llorch-engine started as orchestratord's replica is;");
        output.WriteLine("relay = llorch-bare's POST /relay/v1/tasks with the task's body: drained, the engine's completion request sent on one pooled HttpClient, its SSE copied back unchanged;");
        output.WriteLine($"orch-1r / orch = orchestratord one-request / two-request, to its own identical engine. {options.StreamModel}, max_tokens {options.MaxTokens}; the relay runs with {run.RelayRuntime}");
        output.WriteLine($"  {"streams",7} {"path",-8} {"TTFT p50",9} {"TTFT p99",9} {"frames/s",9} {"server",7} {"engine",7} {"bench",6} {"other",6} {"us/frame",8} {"errors",6}");
        foreach (var level in modes)
        {
            foreach (var path in new[] { level.Direct, level.Relay, level.OrchOneRequest, level.Orch }) Row(output, path);
            var direct = level.Direct;
            var relay = level.Relay;
            output.WriteLine($"  {"",7} a no-logic hop adds {Format.SignedMs(relay.TtftP50Ms - direct.TtftP50Ms)} p50, {Format.SignedMs(relay.TtftP99Ms - direct.TtftP99Ms)} p99 over direct; " +
                             $"relayed {BaselineTable.Ratio(relay.TokensPerSecond / direct.TokensPerSecond)} of direct's frames/s");
            Over(output, "orch-1r", level.OrchOneRequest, direct, relay);
            Over(output, "orch", level.Orch, direct, relay);
            if (Targets.AddedTtftGoalMs(level.Streams) is { } goal)
            {
                output.WriteLine($"  {"",7} goal: added TTFT p50 <= {goal.ToString("0.0", CultureInfo.InvariantCulture)} ms over direct: " +
                                 $"relay {Verdict(relay.TtftP50Ms - direct.TtftP50Ms, goal)}, orch-1r {Verdict(level.OrchOneRequest.TtftP50Ms - direct.TtftP50Ms, goal)}, " +
                                 $"orch {Verdict(level.Orch.TtftP50Ms - direct.TtftP50Ms, goal)}");
            }
        }
        PrintInterleaved(output, run.Interleaved);
        foreach (var path in modes.SelectMany(l => new[] { l.Direct, l.Relay }).Concat(run.Interleaved).Where(l => l.Errors > 0 || l.WrongTokenCounts > 0))
            output.WriteLine($"  note: {path.Streams} streams {path.Path}: {path.Errors} errors, {path.WrongTokenCounts} streams with a token count other than max_tokens; first error: {path.FirstError}");
    }

    /// <summary>The one-stream paths taken task by task: the reading of the one-stream floor that the machine's drift touches least.</summary>
    private static void PrintInterleaved(TextWriter output, IReadOnlyList<LevelResult> interleaved)
    {
        if (interleaved.Count == 0) return;
        output.WriteLine($"  1 stream, interleaved (one client, {string.Join(" -> ", interleaved.Select(p => p.Path))} task by task, {interleaved[0].Seconds:0} s):");
        foreach (var path in interleaved)
            output.WriteLine($"  {"",7} {path.Path,-8} TTFT p50 {Format.Ms(path.TtftP50Ms),8}, p99 {Format.Ms(path.TtftP99Ms),8} ({path.TtftSamples} tasks, {path.Errors} errors)");
        var direct = interleaved.FirstOrDefault(p => p.Path == "direct");
        var relay = interleaved.FirstOrDefault(p => p.Path == "relay");
        if (direct is null || relay is null) return;
        output.WriteLine($"  {"",7} a no-logic hop adds {Format.SignedMs(relay.TtftP50Ms - direct.TtftP50Ms)} p50 over direct" +
                         string.Concat(interleaved.Where(p => p.Path.StartsWith("orch", StringComparison.Ordinal)).Select(p =>
                             $"; {p.Path} {Format.SignedMs(p.TtftP50Ms - direct.TtftP50Ms)} over direct, {Format.SignedMs(p.TtftP50Ms - relay.TtftP50Ms)} over the relay")));
    }

    private static void Over(TextWriter output, string name, LevelResult orch, LevelResult direct, LevelResult relay) =>
        output.WriteLine($"  {"",7} {name}: {Format.SignedMs(orch.TtftP50Ms - direct.TtftP50Ms)} p50 over direct, {Format.SignedMs(orch.TtftP50Ms - relay.TtftP50Ms)} p50 " +
                         $"({Format.SignedMs(orch.TtftP99Ms - relay.TtftP99Ms)} p99) over the relay (orchestratord over a no-logic hop); " +
                         $"frames/s {BaselineTable.Ratio(orch.TokensPerSecond / relay.TokensPerSecond)}, cpu per frame {BaselineTable.Ratio(BaselineTable.MicrosPerFrame(orch) / BaselineTable.MicrosPerFrame(relay))} of the relay's");

    private static string Verdict(double added, double goal) =>
        double.IsNaN(added) ? "-" : $"{Format.SignedMs(added)} {(added <= goal ? "PASS" : "MISS")}";

    private static void Row(TextWriter output, LevelResult level)
    {
        var server = level.Path == "direct" ? "-" : Format.Percent(BaselineTable.ServerPercent(level));
        output.WriteLine($"  {level.Streams,7} {level.Path,-8} {Format.Ms(level.TtftP50Ms),9} {Format.Ms(level.TtftP99Ms),9} {Format.Count(level.TokensPerSecond),9} " +
                         $"{server,7} {Format.Percent(Share(level, "engine")),7} {Format.Percent(Share(level, "bench")),6} {Format.Percent(Share(level, "other")),6} " +
                         $"{(level.Path == "direct" ? "-" : BaselineTable.Micro(BaselineTable.MicrosPerFrame(level))),8} {level.Errors,6}");
    }

    private static double Share(LevelResult level, string name) => level.Cpu.Where(c => c.Name == name).Sum(c => c.Percent);
}
