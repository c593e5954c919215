using LlamaOrch.EndToEnd.Tests;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests;

/// <summary>
/// One real orchestratord per test class with sim pools: <c>fast</c> (many tokens per second), <c>slow</c> (a stream
/// long enough to cut or cancel mid-way), <c>tiny</c> (one slot, a queue of one: every burst gets 429s) and <c>r</c>
/// (for reloads); budgets advisory, the tool target allowed, and the shared models folder a catalog root.
/// </summary>
public sealed class SimServer : IAsyncLifetime
{
    public const string Fast = "sim:fast?tps=2000";
    public const string Slow = "sim:slow?tps=100";
    public const string Tiny = "sim:tiny?tps=400";
    public const string Reloadable = "sim:r?tps=500";

    internal Orchestrator Orchestrator { get; private set; } = null!;

    internal LocalTarget Target { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Target = await LocalTarget.StartAsync();
        Orchestrator = await Orchestrator.StartAsync([
            .. Pool(0, "fast", Fast, slots: 4, capacity: 64),
            .. Pool(1, "slow", Slow, slots: 2, capacity: 16),
            .. Pool(2, "tiny", Tiny, slots: 1, capacity: 1),
            .. Pool(3, "r", Reloadable, slots: 1, capacity: 4),
            "Budgets:Mode=advisory",
            $"Tools:Http:AllowHosts:0=127.0.0.1:{Target.Port}",
            $"Catalog:AllowedRoots:0={RepoPaths.SharedModels}",
        ]);
    }

    private static string[] Pool(int index, string id, string model, int slots, int capacity) =>
    [
        $"Pools:{index}:Id={id}", $"Pools:{index}:Model={model}", $"Pools:{index}:Slots={slots}",
        $"Pools:{index}:Queue:Capacity={capacity}", $"Pools:{index}:Queue:Policy=reject", $"Pools:{index}:Ctx=512",
    ];

    /// <summary>A client of this server (or of <paramref name="address"/>, a proxy in front of it).</summary>
    public LlamaOrchClient Client(Uri? address = null, string? token = Orchestrator.Token, RetryOptions? retry = null) =>
        new(new LlamaOrchClientOptions
        {
            BaseAddress = address ?? Orchestrator.Address,
            ApiToken = token,
            Retry = retry ?? new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(20), MaxDelay = TimeSpan.FromSeconds(2) },
            StreamReconnectDelay = TimeSpan.FromMilliseconds(20),
        });

    /// <summary>The sum of <c>tasks_enqueued_total</c> over a pool's series: how many tasks it ever admitted.</summary>
    public async Task<long> AdmittedAsync(string poolId)
    {
        var text = await Orchestrator.Http.GetStringAsync("/metrics");
        return text.Split('\n')
            .Where(l => l.StartsWith("tasks_enqueued_total{", StringComparison.Ordinal) && l.Contains($"pool_id=\"{poolId}\"", StringComparison.Ordinal))
            .Sum(l => (long)double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }

    public async Task DisposeAsync()
    {
        await Orchestrator.DisposeAsync();
        await Target.DisposeAsync();
    }
}
