namespace LlamaOrch.Bench.Scenarios;

/// <summary>What one target queue depth gave: the samples of tasks submitted in its window, and how many failed.</summary>
internal sealed record PredictionResult(int TargetDepth, int Clients, IReadOnlyList<Load.PredictionSample> Samples, int Errors, string? FirstError);
