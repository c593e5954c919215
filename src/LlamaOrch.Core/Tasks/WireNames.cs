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

    public static string Of(BudgetMode value) => BudgetModes.First(pair => pair.Value == value).Key;

    public static string Of(Workload value) => Workloads.First(pair => pair.Value == value).Key;

    public static string Of(EngineKind value) => Engines.First(pair => pair.Value == value).Key;

    public static string Of(Priority value) => Priorities.First(pair => pair.Value == value).Key;

    /// <summary>The <c>kv</c> of a <c>started</c> frame.</summary>
    internal static string Of(SlotWarmth value) => value switch
    {
        SlotWarmth.Session => "session",
        SlotWarmth.SharedPrefix => "shared_prefix",
        _ => "cold",
    };
}
