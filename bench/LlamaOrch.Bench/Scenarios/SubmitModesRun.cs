using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// The submit modes part: its levels, the one-stream paths taken in turn task by task (direct, relay, orch-1r, orch),
/// and the runtime settings the relay ran with, as printed.
/// </summary>
internal sealed record SubmitModesRun(IReadOnlyList<SubmitModeResult> Levels, IReadOnlyList<LevelResult> Interleaved, string RelayRuntime);
