using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// A conversation of N turns whose prompt grows to about the target size, run twice on the same replica: in one
/// session that reuses its slot's KV cache, and as <c>kv_hint: cold</c> turns that evaluate every prompt whole.
/// Each turn's prompt is the last one plus its reply plus a new message, as an agent sends it; the cold turn of
/// a round gets the very prompt its reuse turn got, and one seed, so both conversations grow alike.
/// </summary>
internal sealed class SessionReuseScenario(ConversationTurnClient client, int turns, int targetTokens)
{
    private static readonly string[] Words =
    [
        "the", "little", "girl", "saw", "a", "big", "red", "ball", "in", "park", "and", "her", "dog", "ran", "to",
        "it", "with", "happy", "sun", "was", "warm", "they", "played", "all", "day", "then", "mom", "called", "home",
    ];

    public async Task<List<(ConversationTurn Reuse, ConversationTurn Cold)>> RunAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var reuseSession = Guid.NewGuid().ToString();
        var rounds = new List<(ConversationTurn, ConversationTurn)>();
        // Each turn adds its share of the target: a reply of up to 16 tokens, and a message of words that take about
        // 1.5 tokens each with a leading space (measured on stories260K's vocabulary).
        var wordsPerTurn = Math.Max((targetTokens / turns - 16) * 2 / 3, 8);
        var prompt = "Once upon a time";
        for (var turn = 1; turn <= turns; turn++)
        {
            prompt += " " + Message(turn, wordsPerTurn);
            var reuse = await client.RunAsync(reuseSession, prompt, cold: false, cancellationToken);
            var cold = await client.RunAsync(Guid.NewGuid().ToString(), prompt, cold: true, cancellationToken);
            progress($"session: turn {turn}: {reuse.TokensIn} prompt tokens, evaluated {reuse.Evaluated} with reuse, {cold.Evaluated} cold");
            rounds.Add((reuse, cold));
            prompt += reuse.Reply;
        }
        return rounds;
    }

    private static string Message(int turn, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(i => Words[(i * 7 + turn * 3) % Words.Length])) + ".";
}
