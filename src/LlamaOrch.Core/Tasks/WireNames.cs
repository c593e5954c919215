using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Pools;

namespace LlamaOrch.Core.Tasks;

/// <summary>The wire spelling of each enum value, in one place for parsing and for messages.</summary>
public static class WireNames
{
    public static readonly IReadOnlyDictionary<string, Workload> Workloads = new Dictionary<string, Workload>
    {
        ["completion"] = Workload.Completion, ["embedding"] = Workload.Embedding, ["rerank"] = Workload.Rerank,
    };

    public static readonly IReadOnlyDictionary<string, EngineKind> Engines = new Dictionary<string, EngineKind>
    {
        ["llamacpp"] = EngineKind.LlamaCpp, ["vllm"] = EngineKind.Vllm, ["tgi"] = EngineKind.Tgi, ["triton"] = EngineKind.Triton,
    };

    public static readonly IReadOnlyDictionary<string, Priority> Priorities = new Dictionary<string, Priority>
    {
        ["interactive"] = Priority.Interactive, ["batch"] = Priority.Batch,
    };

    public static readonly IReadOnlyDictionary<string, Determinism> Determinisms = new Dictionary<string, Determinism>
    {
        ["strict"] = Determinism.Strict, ["best_effort"] = Determinism.BestEffort,
    };

    public static readonly IReadOnlyDictionary<string, KvHint> KvHints = new Dictionary<string, KvHint>
    {
        ["reuse"] = KvHint.Reuse, ["cold"] = KvHint.Cold,
    };

    public static readonly IReadOnlyDictionary<string, PlacementMode> PlacementModes = new Dictionary<string, PlacementMode>
    {
        ["auto"] = PlacementMode.Auto, ["pin"] = PlacementMode.Pin, ["prefer"] = PlacementMode.Prefer,
    };

    public static readonly IReadOnlyDictionary<string, BudgetMode> BudgetModes = new Dictionary<string, BudgetMode>
    {
        ["off"] = BudgetMode.Off, ["advisory"] = BudgetMode.Advisory, ["enforce"] = BudgetMode.Enforce,
    };

    // Reverse lookups built once (declared after the maps they read): admission names an engine on every request,
    // its refusals included, and a search of the map per call allocated each time.
    private static readonly Dictionary<BudgetMode, string> BudgetModeNames = Reverse(BudgetModes);
    private static readonly Dictionary<Workload, string> WorkloadNames = Reverse(Workloads);
    private static readonly Dictionary<EngineKind, string> EngineNames = Reverse(Engines);
    private static readonly Dictionary<Priority, string> PriorityNames = Reverse(Priorities);

    public static string Of(BudgetMode value) => NameOf(BudgetModeNames, value);

    public static string Of(Workload value) => NameOf(WorkloadNames, value);

    public static string Of(EngineKind value) => NameOf(EngineNames, value);

    public static string Of(Priority value) => NameOf(PriorityNames, value);

    /// <summary>The first name (in the map's order) of each value, as a search with First would find it.</summary>
    private static Dictionary<T, string> Reverse<T>(IReadOnlyDictionary<string, T> names) where T : struct, Enum
    {
        var reverse = new Dictionary<T, string>();
        foreach (var (name, value) in names) reverse.TryAdd(value, name);
        return reverse;
    }

    /// <summary>A value without a name throws, as First did.</summary>
    private static string NameOf<T>(Dictionary<T, string> names, T value) where T : struct, Enum =>
        names.TryGetValue(value, out var name) ? name : throw new InvalidOperationException($"{typeof(T).Name}.{value} has no wire name");

    /// <summary>The <c>kv</c> of a <c>started</c> frame.</summary>
    internal static string Of(SlotWarmth value) => value switch
    {
        SlotWarmth.Session => "session",
        SlotWarmth.SharedPrefix => "shared_prefix",
        _ => "cold",
    };
}
