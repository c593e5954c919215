using System.Globalization;

namespace LlamaOrch.Bench;

/// <summary>
/// What to run and for how long. The defaults finish the whole bench in about two minutes on two cores;
/// every number can be raised for a steadier result on a bigger machine. BenchCommandLine reads them from the
/// command line.
/// </summary>
internal sealed record BenchOptions
{
    public IReadOnlyList<int> Levels { get; init; } = [1, 16, 64, 256];
    public double DurationSeconds { get; init; } = 6;
    public double WarmupSeconds { get; init; } = 1;
    public int MaxTokens { get; init; } = 128;
    public double TokensPerSecond { get; init; } = 1000;
    public int FloodClients { get; init; } = 64;
    public double FloodSeconds { get; init; } = 5;
    public int Queued { get; init; } = 1000;

    /// <summary>The parts of the bench <c>--only</c> can run alone.</summary>
    public const string OnlyFlood = "flood";
    public const string OnlySubmitModes = "submit-modes";
    public static readonly IReadOnlyList<string> OnlyScenarios = [OnlyFlood, OnlySubmitModes];

    /// <summary>One part of the usual bench to run alone (<see cref="OnlyScenarios"/>); null for all of it.</summary>
    public string? Only { get; init; }

    /// <summary>Streams held open past their first token for the per-stream memory reading.</summary>
    public int Live { get; init; } = 256;

    /// <summary>dotnet-gcdump, to read the live managed heap beside VmRSS; null to read VmRSS only.</summary>
    public string? GcDump { get; init; }

    /// <summary>Target queue depths of the prediction run; null for the usual bench (the run is one or the other).</summary>
    public IReadOnlyList<int>? PredictDepths { get; init; }

    /// <summary>Slots of the prediction run's pool: few, so that a queue forms and turns over quickly.</summary>
    public int PredictSlots { get; init; } = 4;

    /// <summary>Levels of the OpenAI run (streaming /v1/chat/completions against the same request to the engine); null for the usual bench.</summary>
    public IReadOnlyList<int>? OpenAiLevels { get; init; }

    /// <summary>Levels of the upstream run (TTFT through an upstream replica against the upstream alone); null for the usual bench.</summary>
    public IReadOnlyList<int>? UpstreamLevels { get; init; }

    /// <summary>Turns of the session run's conversation; null for the usual bench (the run is one or the other).</summary>
    public int? SessionTurns { get; init; }

    /// <summary>About how many prompt tokens the session run's conversation grows to.</summary>
    public int SessionTokens { get; init; } = 2048;

    /// <summary>The session run's model: a GGUF path; null for stories260K from ../shared/models beside the repo.</summary>
    public string? SessionModel { get; init; }

    /// <summary>Replica counts of the scale run; null for the usual bench (the run is one or the other).</summary>
    public IReadOnlyList<int>? ScaleReplicas { get; init; }

    /// <summary>Pool counts the scale run spreads each replica count over (1 = all in one pool).</summary>
    public IReadOnlyList<int> ScalePools { get; init; } = [1, 4];

    /// <summary>Slots of each replica in the scale run.</summary>
    public int ScaleSlots { get; init; } = 16;

    /// <summary>Queue depths the scale run measures at, in every layout.</summary>
    public IReadOnlyList<int> ScaleDepths { get; init; } = [0, 64, 512, 2048];

    /// <summary>Admissions measured per layout and depth.</summary>
    public int ScaleAdmissions { get; init; } = 512;

    /// <summary>Dispatch cycles measured per layout and depth.</summary>
    public int ScaleDispatches { get; init; } = 128;

    /// <summary>Sim pace per slot of the scale run: slow, so that the running tasks' tokens cost little beside what is measured.</summary>
    public double ScaleTokensPerSecond { get; init; } = 0.5;

    public string ScaleModel => "sim:scale?tps=" + ScaleTokensPerSecond.ToString(CultureInfo.InvariantCulture);

    /// <summary>Passed through to orchestratord, to see what a setting changes without editing the server.</summary>
    public IReadOnlyList<string> OrchestratorArgs { get; init; } = [];

    public IReadOnlyDictionary<string, string> OrchestratorEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Context per slot, as orchestratord's pool default; the engine gets this × slots in total.</summary>
    public int CtxPerSlot { get; init; } = 4096;

    /// <summary>Slots of the streaming pool and of the direct engine: enough for the largest level to run at once.</summary>
    public int Slots => Levels.Max();

    public string StreamModel => "sim:bench?tps=" + TokensPerSecond.ToString(CultureInfo.InvariantCulture);
}
