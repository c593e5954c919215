using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.Tasks;

/// <summary>SSE <c>started</c>: the task left the queue and runs on a replica.</summary>
/// <param name="Slot">The engine slot it runs in; absent for embedding and rerank tasks.</param>
/// <param name="Kv">Why that slot: <c>session</c> (its cache holds the session's last turn), <c>shared_prefix</c> (a prompt that starts as this one does) or <c>cold</c>.</param>
public sealed record StartedFrame(
    int QueuePosition,
    long? PredictedStartMs,
    string PoolId,
    string ReplicaId,
    long Seed,
    long QueuedMs,
    long DispatchSeq,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Slot = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Kv = null);

/// <summary>SSE <c>token</c>: one piece of generated text and its 0-based index.</summary>
public sealed record TokenFrame(string T, int I);

/// <summary>SSE <c>embedding</c>: the pooled, L2-normalised vector of input <c>i</c> of an embedding task.</summary>
public sealed record EmbeddingFrame(int I, float[] Embedding, int Tokens);

/// <summary>
/// SSE <c>score</c>: how relevant input <c>i</c> of a rerank task is to its prompt (higher is more), its place among
/// the inputs (<c>rank</c> 1 is the most relevant), and the tokens the prompt/input pair took.
/// </summary>
public sealed record ScoreFrame(int I, float Score, int Rank, int Tokens);

/// <summary>
/// SSE <c>metrics</c>: coalesced progress, of a queued task (its place and predicted start) or of a running one (its
/// tokens and decode rate); more keys may be added over time. Optional keys are left out where unknown.
/// </summary>
/// <param name="OnTimeProbability">Only with a deadline: the chance the task finishes before it, from the prediction and the pool's observed prediction errors.</param>
/// <param name="Requeued">Only in the frame written when the task was taken off a hung replica and queued again: why.</param>
/// <param name="ReplicaId">Only in the first frame after a requeued task started again: the replica it now runs on.</param>
/// <param name="QueuePosition">Only while queued: 0-based place within its priority.</param>
/// <param name="PredictedStartMs">Only while queued: milliseconds from now until the task is predicted to start.</param>
/// <param name="KvWarmth">Share of the prompt's tokens the engine served from its KV cache; only once the engine reported it.</param>
/// <param name="TokensPerSecond">Only while running, from the second token on: decode rate since the first token.</param>
/// <param name="TokensBudgetRemaining">Only while running, with budgets on and a token budget: what is left of the session's (see <c>GET /v1/sessions/{id}</c>).</param>
public sealed record MetricsFrame(
    int QueueDepth,
    int TokensOut,
    long DecodeMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? OnTimeProbability,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? DeadlineRemainingMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Requeued = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReplicaId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? QueuePosition = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PredictedStartMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? KvWarmth = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? TokensPerSecond = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TokensBudgetRemaining = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? TimeBudgetRemainingMs = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] decimal? CostBudgetRemaining = null);

/// <summary>SSE <c>end</c>: the last frame of a task that was not failed.</summary>
/// <param name="StopReason"><c>limit</c> (max_tokens), <c>eos</c>, <c>stop_word</c> (a stop string), <c>deadline</c> or <c>canceled</c>.</param>
/// <param name="TokensCached">
/// After a completion's normal finish: how many of <paramref name="TokensIn"/> the engine took from its slot's KV cache
/// instead of evaluating them.
/// </param>
/// <param name="TranscriptId">Only when the task asked for its transcript and it was stored: the <c>transcript</c> artifact's id.</param>
/// <param name="StopWord">Only when <paramref name="StopReason"/> is <c>stop_word</c> and the engine said which: the stop string that matched.</param>
public sealed record EndFrame(
    int TokensOut,
    int TokensIn,
    long DecodeMs,
    bool Canceled,
    string StopReason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? TokensCached = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TranscriptId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? StopWord = null);
