namespace LlamaOrch.Core.Telemetry;

/// <summary>
/// What one run on a replica measured: tokens read and produced, the time to the first token (null when none
/// came) and the engine's decode time (null unless the engine finished the task).
/// </summary>
public readonly record struct RunFigures(long TokensIn, long TokensOut, double? FirstTokenMs, double? DecodeMs);
