using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>One concurrency through both submit modes, on orchestratord and on the bare baseline, in the same run.</summary>
internal sealed record SubmitModeResult(int Streams, LevelResult Orch, LevelResult OrchOneRequest, LevelResult Bare, LevelResult BareOneRequest);
