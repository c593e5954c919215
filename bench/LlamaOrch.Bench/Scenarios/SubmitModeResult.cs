using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// One concurrency through both submit modes, on orchestratord and on the bare baseline, and the engine's own stream
/// straight (<paramref name="Direct"/>) and through llorch-bare's no-logic relay (<paramref name="Relay"/>), in the same run.
/// </summary>
internal sealed record SubmitModeResult(
    int Streams, LevelResult Orch, LevelResult OrchOneRequest, LevelResult Bare, LevelResult BareOneRequest, LevelResult Direct, LevelResult Relay);
