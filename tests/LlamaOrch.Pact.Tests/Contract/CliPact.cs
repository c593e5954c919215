namespace LlamaOrch.Pact.Tests.Contract;

/// <summary>
/// What the consumer test and the provider verification agree on: the pact's parties and file, the pools the provider
/// runs, and the provider states (each made real by a handler in <c>Provider/ProviderStates.cs</c>).
/// </summary>
internal static class CliPact
{
    public const string Consumer = "llorch-cli";
    public const string Provider = "orchestratord";

    /// <summary>The committed pact, relative to the repository root.</summary>
    public static readonly string[] CommittedFile = ["contracts", "pacts", $"{Consumer}-{Provider}.json"];

    /// <summary>Setting this environment variable to 1 makes the consumer test write the pact over the committed one.</summary>
    public const string UpdateVariable = "LLORCH_PACT_UPDATE";

    // The provider's pools (sim models: seed-deterministic tokens at a set rate, no model file).
    public const string FastModel = "sim:fast?tps=2000";
    public const string TinyModel = "sim:tiny?tps=5";
    public const string SlowModel = "sim:slow?tps=20";
    public const string FragileModel = "sim:fragile?tps=20";
    public const string DrainableModel = "sim:drainable?tps=500";
    public const string ReloadableModel = "sim:r?tps=500";
    public const string ReloadedModel = "sim:r2?tps=500";
    public const string DrainablePool = "drainable";
    public const string ReloadablePool = "r";
    public const string FragilePool = "fragile";

    /// <summary>The pool whose engine runs stories260K through the catalog entry <see cref="RetiredModel"/>.</summary>
    public const string StoriesPool = "stories";

    // Ids the pact names (examples the verifier replays; the states create what they name).
    // Session ids are UUIDs (the server refuses any other spelling).
    public const string EnqueueSession = "7d3b1f60-5c2e-4a8b-9f14-2e6c0a9d5b01";
    public const string BudgetSession = "7d3b1f60-5c2e-4a8b-9f14-2e6c0a9d5b02";
    public const string ReportSession = "7d3b1f60-5c2e-4a8b-9f14-2e6c0a9d5b03";
    public const string UnknownSession = "7d3b1f60-5c2e-4a8b-9f14-2e6c0a9d5b04";
    public const string StreamedTask = "5f0c2a4e-0d7b-4c1e-9a53-0b6f2f1d7a01";
    public const string CanceledTask = "5f0c2a4e-0d7b-4c1e-9a53-0b6f2f1d7a02";
    public const string BrokenTask = "5f0c2a4e-0d7b-4c1e-9a53-0b6f2f1d7a03";
    public const string CatalogModel = "pact-model";
    public const string NewCatalogModel = "pact-new-model";
    public const string RetiredModel = "pact-retired";

    // Provider states.
    public const string FastPoolServes = "pool fast serves sim:fast";
    public const string SessionHasBudget = "the session has a token budget";
    public const string TinyQueueFull = "pool tiny's queue is full";
    public const string DrainablePoolDrained = "pool drainable is drained";
    public const string DrainablePoolAdmits = "pool drainable admits tasks";
    public const string ReloadablePoolServesR = "pool r serves sim:r";
    public const string ModelRetired = "catalog model pact-retired is retired";
    public const string TaskFinished = "task has finished on pool fast";
    public const string TaskRunning = "task is running on pool slow";
    public const string TaskEngineDied = "task was running on pool fragile when its engine died";
    public const string SessionHasRun = "the session has run a task";
    public const string NoSuchSession = "no such session exists";
    public const string ModelFileInRoot = "a model file lies in an allowed catalog root";
    public const string CatalogHoldsModel = "catalog holds model pact-model";
    public const string ArtifactStored = "an artifact of kind summary is stored";
    public const string ToolCallRefused = "a fetch outside the tool policy was refused";
}
