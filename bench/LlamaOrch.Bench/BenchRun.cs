using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Processes;
using LlamaOrch.Bench.Report;
using LlamaOrch.Bench.Scenarios;

namespace LlamaOrch.Bench;

/// <summary>
/// The whole bench: start the processes, run the scenarios in an order where each one finds the machine
/// quiet, print the table. Children are killed by the caller's <see cref="ChildProcesses"/>.
/// </summary>
internal sealed class BenchRun(BenchOptions options, RepoLayout layout, ChildProcesses children, HttpClient http, string workDirectory)
{
    private const string StreamPool = "bench";
    private const string HoldPool = "hold";
    private const string HoldModel = "sim:hold?tps=1";
    private const string LivePool = "live";
    private const string LiveModel = "sim:live?tps=2";
    private const string SlowPool = "slow";
    private const string SlowModel = "sim:slow?tps=1";
    private const int SlowQueueCapacity = 8;
    private const string PredictPool = "predict";
    private const string SessionPool = "session";

    /// <summary>
    /// The levels at which the two submit modes are set against the bare baseline, with the largest of <c>--levels</c>
    /// when it is above them: issue 17's relay CPU per frame is judged at 256 streams, where the cores are saturated.
    /// </summary>
    private static readonly int[] SubmitModeLevels = [1, 64];

    private static List<int> SubmitModeLevelsOf(BenchOptions options) =>
        SubmitModeLevels.Append(options.Levels.Max()).Distinct().Order().Where(level => level <= options.Slots).ToList();

    // A fresh random token per run: the bench exercises the real bearer check, and nothing outlives the run.
    private readonly string _apiToken = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        PrintHeader();
        if (options.PredictDepths is not null)
        {
            await RunPredictionAsync(cancellationToken);
            return;
        }
        if (options.SessionTurns is not null)
        {
            await RunSessionsAsync(cancellationToken);
            return;
        }
        if (options.OpenAiLevels is not null)
        {
            await RunOpenAiAsync(cancellationToken);
            return;
        }
        if (options.UpstreamLevels is not null)
        {
            await RunUpstreamsAsync(cancellationToken);
            return;
        }

        if (options.Only == BenchOptions.OnlyFlood)
        {
            var (orchFlood, bareOnly, bareProcess) = await RunFloodsAsync(cancellationToken);
            bareProcess.Child.Kill();
            FloodTable.Print(Console.Out, orchFlood, bareOnly);
            return;
        }

        if (options.Only == BenchOptions.OnlySubmitModes)
        {
            await RunSubmitModesOnlyAsync(cancellationToken);
            return;
        }

        if (options.ScaleReplicas is not null)
        {
            var scale = await new ScaleScenario(options, layout, children, http, _apiToken, workDirectory).RunAsync(Progress, cancellationToken);
            ScaleTable.Print(Console.Out, options, scale);
            return;
        }

        Progress("starting llorch-engine (direct baseline) and orchestratord (streaming + hold pools)");
        var engine = await EngineProcess.StartAsync(children, layout, options.StreamModel, options.Slots, options.CtxPerSlot, cancellationToken);
        var orchestrator = await OrchestratorProcess.StartAsync(children, layout, "orchestratord-stream",
            [
                new PoolSpec(StreamPool, options.StreamModel, options.Slots, QueueCapacity: Math.Max(2 * options.Slots, 256)),
                new PoolSpec(HoldPool, HoldModel, Slots: 1, QueueCapacity: options.Queued + 16),
                new PoolSpec(LivePool, LiveModel, Slots: options.Live, QueueCapacity: 16),
            ],
            _apiToken, workDirectory, options, http, cancellationToken);

        var retained = Math.Min(options.Queued, 1000);
        Progress($"memory: idle, {options.Queued} queued tasks, {options.Live} live streams, {retained} retained tasks{(options.GcDump is null ? "" : " (with heap dumps)")}");
        var holdBodies = new RequestBodies(HoldModel, maxTokens: 64, options.CtxPerSlot);
        var heap = options.GcDump is { } tool ? new HeapProbe(tool, workDirectory) : null;
        var memory = await new MemoryScenario(http, orchestrator, _apiToken, holdBodies, HoldPool, options.Queued,
            new RequestBodies(LiveModel, maxTokens: 1000, options.CtxPerSlot), options.Live,
            new RequestBodies(options.StreamModel, options.MaxTokens, options.CtxPerSlot), retained, heap).RunAsync(cancellationToken);

        var engineRoundTrip = await RoundTripProbe.MedianMsAsync(http, new Uri(engine.BaseAddress, "health"), cancellationToken);
        var orchRoundTrip = await RoundTripProbe.MedianMsAsync(http, new Uri(orchestrator.BaseAddress, "health"), cancellationToken);

        var bodies = new RequestBodies(options.StreamModel, options.MaxTokens, options.CtxPerSlot);
        var self = Environment.ProcessId;
        var directCpu = new CpuMeter([("orch", () => [orchestrator.Pid]), ("engine", () => [engine.Pid]), ("bench", () => [self])]);
        var orchCpu = new CpuMeter([("orch", () => [orchestrator.Pid]), ("engine", () => orchestrator.EnginePids), ("bench", () => [self])]);
        var streaming = await new StreamingScenario(
                options,
                new DirectEngineTarget(http, engine.BaseAddress, bodies),
                new OrchestratorTarget(http, orchestrator.BaseAddress, _apiToken, bodies),
                directCpu, orchCpu, orchestrator.Pid)
            .RunAsync(Progress, cancellationToken);

        // The flood gets the machine to itself: the streaming processes would only sit idle beside it.
        engine.Child.Kill();
        orchestrator.Child.Kill();

        var (flood, bareFlood, bare) = await RunFloodsAsync(cancellationToken);

        var submitModes = await RunSubmitModesAsync(layout, bare, bodies, cancellationToken);
        bare.Child.Kill();

        var checks = Targets.Evaluate(streaming, flood);
        ResultsTable.Print(Console.Out, options, (engineRoundTrip, orchRoundTrip), memory, streaming, flood, checks);
        BaselineTable.Print(Console.Out, options, flood, bareFlood, submitModes.Levels);
        RelayFloorTable.Print(Console.Out, options, submitModes);
    }

    /// <summary>
    /// The full-queue flood against a fresh orchestratord, then the same flood against llorch-bare's fixed 429, which
    /// is left running for the submit modes.
    /// </summary>
    private async Task<(FloodResult Orch, FloodResult Bare, BareKestrelProcess BareProcess)> RunFloodsAsync(CancellationToken cancellationToken)
    {
        var self = Environment.ProcessId;
        Progress($"queue full: {options.FloodClients} clients against a queue of {SlowQueueCapacity}");
        var slow = await OrchestratorProcess.StartAsync(children, layout, "orchestratord-flood",
            [new PoolSpec(SlowPool, SlowModel, Slots: 1, SlowQueueCapacity)], _apiToken, workDirectory, options, http, cancellationToken);
        // For a profiler or dotnet-counters to attach to during the flood (its measured window follows the JIT warm-up).
        Progress($"queue full: orchestratord pid {slow.Pid}");
        var floodBodies = new RequestBodies(SlowModel, maxTokens: 1000, options.CtxPerSlot);
        var flood = await new QueueFullScenario(http, new Uri(slow.BaseAddress, "v1/tasks"),
            new CpuMeter([("orch", () => [slow.Pid]), ("engine", () => slow.EnginePids), ("bench", () => [self])]),
            _apiToken, floodBodies, options.FloodClients, TimeSpan.FromSeconds(options.FloodSeconds)).RunAsync(cancellationToken);
        slow.Child.Kill();

        Progress($"queue full, bare baseline: {options.FloodClients} clients against llorch-bare's fixed 429");
        var bare = await BareKestrelProcess.StartAsync(children, layout, options.TokensPerSecond, options.MaxTokens, http, cancellationToken);
        var bareFlood = await new QueueFullScenario(http, new Uri(bare.BaseAddress, "full/v1/tasks"),
            new CpuMeter([("bare", () => [bare.Pid]), ("bench", () => [self])]),
            _apiToken, floodBodies, options.FloodClients, TimeSpan.FromSeconds(options.FloodSeconds)).RunAsync(cancellationToken);
        return (flood, bareFlood, bare);
    }

    /// <summary>
    /// Both submit modes against a fresh orchestratord and against the bare baseline, and the time-to-first-token floor
    /// beside them: the engine's stream straight from a llorch-engine started as orchestratord's replica is (direct), and
    /// through llorch-bare's no-logic relay to that same engine (relay). Level by level and path by path in turn, so
    /// that each path meets the same machine: direct, relay, one-request (POST with <c>Accept: text/event-stream</c>)
    /// and two-request (POST→202, GET stream), on orchestratord and then on llorch-bare's fixed stream.
    /// </summary>
    private async Task<SubmitModesRun> RunSubmitModesAsync(RepoLayout layout, BareKestrelProcess bare, RequestBodies bodies, CancellationToken cancellationToken)
    {
        var levels = SubmitModeLevelsOf(options);
        Progress($"submit modes at {string.Join(",", levels)} streams: direct, relay (llorch-bare to a llorch-engine), orchestratord and llorch-bare, one-request and two-request");
        var orchestrator = await OrchestratorProcess.StartAsync(children, layout, "orchestratord-modes",
            [new PoolSpec(StreamPool, options.StreamModel, options.Slots, QueueCapacity: Math.Max(2 * options.Slots, 256))],
            _apiToken, workDirectory, options, http, cancellationToken);
        var engine = await EngineProcess.StartAsync(children, layout, options.StreamModel, options.Slots, options.CtxPerSlot, cancellationToken, "engine-modes");
        // The relay runs with orchestratord's runtime settings, so that what it adds is the hop's, not a different runtime's.
        var relayRuntime = OrchestratorRuntime.Environment(layout.OrchestratorDll, options.OrchestratorEnvironment);
        Progress($"relay: llorch-bare --engine {engine.BaseAddress} with {OrchestratorRuntime.Describe(relayRuntime)}");
        var relay = await BareKestrelProcess.StartAsync(children, layout, options.TokensPerSecond, options.MaxTokens, http, cancellationToken,
            engine.BaseAddress, RequestBodies.Prompt, name: "bare-relay", environment: relayRuntime);
        var self = Environment.ProcessId;
        var orchCpu = new CpuMeter([("orch", () => [orchestrator.Pid]), ("engine", () => orchestrator.EnginePids), ("bench", () => [self])]);
        var bareCpu = new CpuMeter([("bare", () => [bare.Pid]), ("bench", () => [self])]);
        var directCpu = new CpuMeter([("engine", () => [engine.Pid]), ("bench", () => [self])]);
        var relayCpu = new CpuMeter([("relay", () => [relay.Pid]), ("engine", () => [engine.Pid]), ("bench", () => [self])]);
        (IStreamTarget Target, CpuMeter Cpu)[] paths =
        [
            (new DirectEngineTarget(http, engine.BaseAddress, bodies), directCpu),
            (new BareRelayTarget(http, relay.BaseAddress, _apiToken, bodies), relayCpu),
            (new OrchestratorTarget(http, orchestrator.BaseAddress, _apiToken, bodies, oneRequest: true, name: "orch-1r"), orchCpu),
            (new OrchestratorTarget(http, orchestrator.BaseAddress, _apiToken, bodies, oneRequest: false, name: "orch"), orchCpu),
            (new OrchestratorTarget(http, bare.BaseAddress, _apiToken, bodies, oneRequest: false, name: "bare"), bareCpu),
            (new OrchestratorTarget(http, bare.BaseAddress, _apiToken, bodies, oneRequest: true, name: "bare-1r"), bareCpu),
        ];
        foreach (var (target, cpu) in paths)
        {
            var warm = await JitWarmup.StreamsAsync(target, Math.Min(16, options.Slots), options.MaxTokens, cpu, cancellationToken);
            Progress($"warm-up: {target.Name}, {warm}");
        }

        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var results = new List<SubmitModeResult>();
        foreach (var streams in levels)
        {
            var measured = new Dictionary<string, LevelResult>();
            foreach (var (target, cpu) in paths)
            {
                Progress($"{streams} streams: {target.Name}");
                measured[target.Name] = await LevelRunner.RunAsync(target, streams, options.MaxTokens, warmup, duration, cpu, null, cancellationToken);
            }
            results.Add(new SubmitModeResult(streams, measured["orch"], measured["orch-1r"], measured["bare"], measured["bare-1r"], measured["direct"], measured["relay"]));
        }

        // One stream again, the four engine-backed paths task by task, for twice as many tasks each as a window of its own.
        var interleavedPaths = paths.Take(4).Select(p => p.Target).ToList();
        var interleavedWindow = duration * (2 * interleavedPaths.Count);
        Progress($"1 stream, interleaved: {string.Join(", ", interleavedPaths.Select(t => t.Name))} task by task, {interleavedWindow.TotalSeconds:0} s");
        var interleaved = await InterleavedRunner.RunAsync(interleavedPaths, options.MaxTokens, warmup, interleavedWindow, cancellationToken);
        relay.Child.Kill();
        engine.Child.Kill();
        orchestrator.Child.Kill();
        return new SubmitModesRun(results, interleaved, OrchestratorRuntime.Describe(relayRuntime));
    }

    /// <summary>
    /// The submit modes alone (<c>--only submit-modes</c>): llorch-bare's fixed stream, then everything
    /// <see cref="RunSubmitModesAsync"/> measures, and the two tables that read it.
    /// </summary>
    private async Task RunSubmitModesOnlyAsync(CancellationToken cancellationToken)
    {
        var bare = await BareKestrelProcess.StartAsync(children, layout, options.TokensPerSecond, options.MaxTokens, http, cancellationToken);
        var bodies = new RequestBodies(options.StreamModel, options.MaxTokens, options.CtxPerSlot);
        var modes = await RunSubmitModesAsync(layout, bare, bodies, cancellationToken);
        bare.Child.Kill();
        BaselineTable.Print(Console.Out, options, null, null, modes.Levels);
        RelayFloorTable.Print(Console.Out, options, modes);
    }

    /// <summary>
    /// The OpenAI run alone: streaming <c>/v1/chat/completions</c> through orchestratord against the request the door
    /// makes of it (the ChatML-rendered prompt and its stop string) sent straight to an identical llorch-engine.
    /// </summary>
    private async Task RunOpenAiAsync(CancellationToken cancellationToken)
    {
        var levels = options.OpenAiLevels!;
        var slots = levels.Max();
        Progress($"starting llorch-engine (direct baseline) and orchestratord (pool '{StreamPool}', {slots} slots)");
        var engine = await EngineProcess.StartAsync(children, layout, options.StreamModel, slots, options.CtxPerSlot, cancellationToken);
        var orchestrator = await OrchestratorProcess.StartAsync(children, layout, "orchestratord-openai",
            [new PoolSpec(StreamPool, options.StreamModel, slots, QueueCapacity: Math.Max(2 * slots, 256))],
            _apiToken, workDirectory, options, http, cancellationToken);
        var bodies = new RequestBodies(options.StreamModel, options.MaxTokens, options.CtxPerSlot);
        var self = Environment.ProcessId;
        var directCpu = new CpuMeter([("orch", () => [orchestrator.Pid]), ("engine", () => [engine.Pid]), ("bench", () => [self])]);
        var orchCpu = new CpuMeter([("orch", () => [orchestrator.Pid]), ("engine", () => orchestrator.EnginePids), ("bench", () => [self])]);
        var results = await new StreamingScenario(
                options with { Levels = levels },
                new DirectEngineTarget(http, engine.BaseAddress, bodies, chat: true),
                OpenAiStreamTarget.Chat(http, orchestrator.BaseAddress, _apiToken, StreamPool, bodies),
                directCpu, orchCpu, orchestrator.Pid)
            .RunAsync(Progress, cancellationToken);
        engine.Child.Kill();
        orchestrator.Child.Kill();
        OpenAiTable.Print(Console.Out, options with { Levels = levels }, results);
    }

    /// <summary>
    /// The upstream run alone, one protocol after the other. llamacpp: a llorch-engine alone against an orchestratord
    /// whose pool's only replica is that engine as an upstream. openai: an orchestratord's OpenAI door (its own sim
    /// pool) alone, by the request the OpenAI adapter makes of it, against a second orchestratord whose vllm pool's only
    /// replica is that door. Each upstream streams at the sim's steady pace; both paths of a protocol meet the same one.
    /// </summary>
    private async Task RunUpstreamsAsync(CancellationToken cancellationToken)
    {
        var levels = options.UpstreamLevels!;
        var slots = levels.Max();
        var run = options with { Levels = levels };
        var self = Environment.ProcessId;
        var bodies = new RequestBodies(options.StreamModel, options.MaxTokens, options.CtxPerSlot);

        Progress($"llamacpp: starting llorch-engine ({slots} slots) and an orchestratord with it as its pool's upstream");
        var engine = await EngineProcess.StartAsync(children, layout, options.StreamModel, slots, options.CtxPerSlot, cancellationToken);
        var front = await OrchestratorProcess.StartAsync(children, layout, "orchestratord-upstream-llamacpp",
            [new PoolSpec(StreamPool, options.StreamModel, slots, QueueCapacity: Math.Max(2 * slots, 256), new UpstreamSpec(engine.BaseAddress, "llamacpp"))],
            _apiToken, workDirectory, options, http, cancellationToken);
        var llamacpp = await new StreamingScenario(run,
                new DirectEngineTarget(http, engine.BaseAddress, bodies),
                new OrchestratorTarget(http, front.BaseAddress, _apiToken, bodies, oneRequest: true),
                new CpuMeter([("front", () => [front.Pid]), ("engine", () => [engine.Pid]), ("bench", () => [self])]),
                new CpuMeter([("front", () => [front.Pid]), ("engine", () => [engine.Pid]), ("bench", () => [self])]),
                front.Pid)
            .RunAsync(Progress, cancellationToken);
        front.Child.Kill();
        engine.Child.Kill();

        Progress($"openai: starting an orchestratord serving {slots} slots at its OpenAI door, and a second with that door as its vllm pool's upstream");
        var door = await OrchestratorProcess.StartAsync(children, layout, "orchestratord-upstream-door",
            [new PoolSpec(StreamPool, options.StreamModel, slots, QueueCapacity: Math.Max(2 * slots, 256))],
            _apiToken, workDirectory, options, http, cancellationToken);
        // Every orchestratord of the run has the same token in LLORCH_API_TOKEN: the front sends it to the door as its key.
        var viaDoor = await OrchestratorProcess.StartAsync(children, layout, "orchestratord-upstream-openai",
            [new PoolSpec(StreamPool, options.StreamModel, slots, QueueCapacity: Math.Max(2 * slots, 256),
                new UpstreamSpec(door.BaseAddress, "openai", Model: StreamPool, ApiKeyEnv: "LLORCH_API_TOKEN"), Engine: "vllm")],
            _apiToken, workDirectory, options, http, cancellationToken);
        var vllmBodies = new RequestBodies(options.StreamModel, options.MaxTokens, options.CtxPerSlot, engine: "vllm");
        var openAi = await new StreamingScenario(run,
                OpenAiStreamTarget.Completion(http, door.BaseAddress, _apiToken, StreamPool, bodies, "direct"),
                new OrchestratorTarget(http, viaDoor.BaseAddress, _apiToken, vllmBodies, oneRequest: true),
                new CpuMeter([("front", () => [viaDoor.Pid]), ("door", () => [door.Pid]), ("engine", () => door.EnginePids), ("bench", () => [self])]),
                new CpuMeter([("front", () => [viaDoor.Pid]), ("door", () => [door.Pid]), ("engine", () => door.EnginePids), ("bench", () => [self])]),
                viaDoor.Pid)
            .RunAsync(Progress, cancellationToken);
        viaDoor.Child.Kill();
        door.Child.Kill();

        UpstreamTable.Print(Console.Out, run, "llamacpp", "llorch-engine's POST /completion", llamacpp);
        UpstreamTable.Print(Console.Out, run, "openai", "an orchestratord's streaming POST /v1/completions (the OpenAI door over its own llorch-engine)", openAi);
    }

    /// <summary>The prediction run alone: one orchestratord with a small sim pool, loaded at each target depth in turn.</summary>
    private async Task RunPredictionAsync(CancellationToken cancellationToken)
    {
        var slots = options.PredictSlots;
        var capacity = options.PredictDepths!.Max() + slots + 16;
        Progress($"starting orchestratord with pool '{PredictPool}': {slots} slots of {options.StreamModel}");
        var orchestrator = await OrchestratorProcess.StartAsync(children, layout, "orchestratord-predict",
            [new PoolSpec(PredictPool, options.StreamModel, slots, capacity)], _apiToken, workDirectory, options, http, cancellationToken);
        var client = new PredictionClient(http, orchestrator.BaseAddress, _apiToken, new RequestBodies(options.StreamModel, options.MaxTokens, options.CtxPerSlot));
        var results = await new PredictionScenario(options, client, slots).RunAsync(Progress, cancellationToken);
        orchestrator.Child.Kill();
        PredictionTable.Print(Console.Out, options, slots, results);
    }

    /// <summary>
    /// The session run alone: one orchestratord with one replica of a real model and two slots, so that the cold
    /// turns (which take the slot used longest ago) never touch the session's own.
    /// </summary>
    private async Task RunSessionsAsync(CancellationToken cancellationToken)
    {
        var model = options.SessionModel ?? Path.GetFullPath(Path.Combine(layout.Root, "..", "shared", "models", "stories260K.gguf"));
        if (!File.Exists(model)) throw new BenchSetupException($"{model} is missing: name a GGUF model with --session-model");
        Progress($"starting orchestratord with pool '{SessionPool}': one replica of {model}, 2 slots");
        var orchestrator = await OrchestratorProcess.StartAsync(children, layout, "orchestratord-session",
            [new PoolSpec(SessionPool, model, Slots: 2, QueueCapacity: 16)], _apiToken, workDirectory, options, http, cancellationToken);
        var client = new ConversationTurnClient(http, orchestrator.BaseAddress, _apiToken, model, maxTokens: 16);
        var rounds = await new SessionReuseScenario(client, options.SessionTurns!.Value, options.SessionTokens).RunAsync(Progress, cancellationToken);
        orchestrator.Child.Kill();
        SessionReuseTable.Print(Console.Out, Path.GetFileName(model), rounds);
    }

    private void PrintHeader()
    {
        Console.WriteLine($"llama-orch bench, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        if (options.PredictDepths is { } depths)
            Console.WriteLine($"prediction run: target queue depths {string.Join(",", depths)}; {options.WarmupSeconds:0.#} s + a queue's turnover of warm-up, {options.DurationSeconds:0.#} s measured per depth");
        else if (options.OpenAiLevels is { } openAiLevels)
            Console.WriteLine($"openai run: levels {string.Join(",", openAiLevels)} streams; {options.WarmupSeconds:0.#} s warm-up + {options.DurationSeconds:0.#} s measured per level and path");
        else if (options.UpstreamLevels is { } upstreamLevels)
            Console.WriteLine($"upstream run: levels {string.Join(",", upstreamLevels)} streams; {options.WarmupSeconds:0.#} s warm-up + {options.DurationSeconds:0.#} s measured per level and path");
        else if (options.ScaleReplicas is { } scale)
            Console.WriteLine($"scale run: {string.Join(",", scale)} replicas x {options.ScaleSlots} slots over {string.Join(",", options.ScalePools)} pool(s); queue depths {string.Join(",", options.ScaleDepths)}");
        else if (options.SessionTurns is { } turns)
            Console.WriteLine($"session run: {turns} turns growing to about {options.SessionTokens} prompt tokens, reuse against kv_hint cold");
        else if (options.Only == BenchOptions.OnlyFlood)
            Console.WriteLine($"flood only: {options.FloodClients} clients, a warm-up until the JIT settles ({JitWarmup.First.TotalSeconds:0} to {JitWarmup.Limit.TotalSeconds:0} s) + {options.FloodSeconds:0.#} s measured per server; load average at start {File.ReadAllText("/proc/loadavg").Trim()}");
        else if (options.Only == BenchOptions.OnlySubmitModes)
            Console.WriteLine($"submit modes only: levels {string.Join(",", SubmitModeLevelsOf(options))} streams; {options.WarmupSeconds:0.#} s warm-up + {options.DurationSeconds:0.#} s measured per level and path; load average at start {File.ReadAllText("/proc/loadavg").Trim()}");
        else Console.WriteLine($"levels {string.Join(",", options.Levels)} streams; {options.WarmupSeconds:0.#} s warm-up + {options.DurationSeconds:0.#} s measured per level and path");
        if (options.OrchestratorArgs.Count > 0 || options.OrchestratorEnvironment.Count > 0)
            Console.WriteLine($"orchestratord extra: {string.Join(" ", options.OrchestratorEnvironment.Select(e => $"{e.Key}={e.Value}").Concat(options.OrchestratorArgs))}");
    }

    private static readonly long Began = System.Diagnostics.Stopwatch.GetTimestamp();

    private static void Progress(string message) =>
        Console.Error.WriteLine($"[bench {System.Diagnostics.Stopwatch.GetElapsedTime(Began).TotalSeconds,5:0}s] {message}");
}
