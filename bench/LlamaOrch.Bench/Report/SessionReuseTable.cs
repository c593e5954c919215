using System.Globalization;
using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Report;

/// <summary>The session run's table: per turn, prompt tokens evaluated and time to first token, with KV reuse and cold.</summary>
internal static class SessionReuseTable
{
    public static void Print(TextWriter output, string model, IReadOnlyList<(ConversationTurn Reuse, ConversationTurn Cold)> rounds)
    {
        output.WriteLine();
        output.WriteLine($"Session KV reuse: {model}, one replica; each turn's prompt = the last one + its reply + a new message");
        output.WriteLine("turn  prompt  kv        evaluated reuse  evaluated cold  TTFT reuse  TTFT cold  TTFT cold/reuse");
        for (var i = 0; i < rounds.Count; i++)
        {
            var (reuse, cold) = rounds[i];
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{i + 1,4} {reuse.TokensIn,7}  {reuse.Kv,-8} {reuse.Evaluated,16} {cold.Evaluated,15} {Format.Ms(reuse.FirstTokenMs),11} {Format.Ms(cold.FirstTokenMs),10} {cold.FirstTokenMs / reuse.FirstTokenMs,15:0.00}x"));
        }
        var later = rounds.Skip(1).ToList();
        if (later.Count == 0) return;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"turns 2-{rounds.Count}: evaluated {later.Sum(r => r.Reuse.Evaluated)} prompt tokens with reuse against {later.Sum(r => r.Cold.Evaluated)} cold; " +
            $"TTFT p50 {Format.Ms(Median(later.Select(r => r.Reuse.FirstTokenMs)))} against {Format.Ms(Median(later.Select(r => r.Cold.FirstTokenMs)))}"));
    }

    private static double Median(IEnumerable<double> values) => Percentiles.Of(values.Order().ToList(), 50);
}
