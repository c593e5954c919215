using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Admission;

/// <summary>Either the admitted task with its backoff advice, or the rejection.</summary>
public readonly record struct AdmissionOutcome(OrchestratedTask? Task, long BackoffMs, Rejection? Rejection);
