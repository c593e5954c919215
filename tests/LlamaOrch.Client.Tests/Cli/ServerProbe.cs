using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.EndToEnd.Tests;

namespace LlamaOrch.Client.Tests;

/// <summary>What the tests read from the server itself, over its API: counters on /metrics, pool health, a pool held full.</summary>
internal static class ServerProbe
{
    /// <summary>The sum of a counter's series whose labels include every pair given.</summary>
    public static async Task<double> CounterAsync(HttpClient http, string name, params (string Key, string Value)[] labels)
    {
        var text = await http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal)
                        && labels.All(p => l.Contains($"{p.Key}=\"{p.Value}\"", StringComparison.Ordinal)))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
    }

    public static async Task<JsonObject> PoolHealthAsync(HttpClient http, string poolId) =>
        JsonNode.Parse(await http.GetStringAsync($"/v1/pools/{poolId}/health"))!.AsObject();

    public static async Task<int> BusySlotsAsync(HttpClient http, string poolId) =>
        (await PoolHealthAsync(http, poolId))["metrics"]!["busy_slots"]!.GetValue<int>();

    /// <summary>
    /// Fills a pool: long tasks until the server answers 429 (every slot busy and the queue full). Returns their ids,
    /// for <see cref="CancelAllAsync"/>.
    /// </summary>
    /// <remarks>Each holds its slot for 500 tokens (the most a 512-token context allows) at the pool's sim pace.</remarks>
    public static async Task<List<string>> FillAsync(Orchestrator orchestrator, string model)
    {
        var ids = new List<string>();
        for (var i = 0; i < 64; i++)
        {
            var body = Orchestrator.Task(model, "hold the pool", maxTokens: 500, ctx: 512);
            using var response = await orchestrator.SubmitAsync(body);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return ids;
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            ids.Add(body["task_id"]!.GetValue<string>());
        }
        throw new InvalidOperationException($"{model} took 64 long tasks without a 429");
    }

    public static async Task CancelAllAsync(Orchestrator orchestrator, IEnumerable<string> ids)
    {
        foreach (var id in ids) Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(id));
    }
}
