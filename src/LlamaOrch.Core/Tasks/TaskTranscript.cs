using System.Buffers;
using System.Text.Json;
using LlamaOrch.Core.Artifacts;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// Stores a finished completion's transcript as a <c>transcript</c> artifact (docs/artifacts.md): what went in
/// (prompt, parameters, seed, determinism, sampler profile, model ref and digest, engine version), what came out
/// (the generated tokens' texts), the counts, timings and stop reason. The run calls it after the last token and
/// before the <c>end</c> frame, so the id can go in that frame; a failed write, or a transcript over the artifact
/// size limit, is logged and ends the task without it.
/// </summary>
/// <param name="maxBytes">The largest canonical form of one artifact (Orchestrator:Artifacts:MaxBytes), the same
/// limit a client's artifact meets; null for none.</param>
internal sealed class TaskTranscript(IArtifactWriter? store, ModelCatalog? catalog, TimeProvider time, ILogger logger, int? maxBytes = null)
{
    /// <summary>True when a task that asks for a transcript can have one stored.</summary>
    public bool Enabled => store is not null;

    /// <summary>The stored transcript's id, or null (no store, or the write failed: logged).</summary>
    public async Task<string?> StoreAsync(OrchestratedTask task, PoolRuntime pool, string replicaId, EngineFinal final, RunTimings timings)
    {
        if (store is null) return null;
        try
        {
            // The log holds every token frame the stream had; reading it here costs the relay loop nothing.
            var events = new List<TaskEventRecord>();
            await task.ReadEventsAsync(0, events).ConfigureAwait(false);
            var content = Content(task, pool, replicaId, final, timings, events);
            var document = ArtifactDocument.Create(ArtifactKinds.Transcript, content, ["task:" + task.Id], parent: null, metadata: null, task.Spec.SessionId);
            if (document.Bytes.Length > maxBytes)
            {
                logger.LogWarning("Task {TaskId}: its transcript is {Bytes} bytes, over the limit of {MaxBytes} (Orchestrator:Artifacts:MaxBytes), and was " +
                                  "not stored; the task ends without transcript_id (correlation {CorrelationId})",
                    task.Id, document.Bytes.Length, maxBytes, task.CorrelationId);
                return null;
            }
            var (record, _) = await store.PutAsync(document, time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None).ConfigureAwait(false);
            return record.Id;
        }
        catch (Exception failure)
        {
            // Any store failure (disk full, index locked, a folder gone): the task itself succeeded and must end so.
            logger.LogWarning("Task {TaskId}: its transcript could not be stored ({Message}); the task ends without transcript_id (correlation {CorrelationId})",
                task.Id, failure.Message, task.CorrelationId);
            return null;
        }
    }

    private JsonElement Content(OrchestratedTask task, PoolRuntime pool, string replicaId, EngineFinal final, RunTimings timings, List<TaskEventRecord> events)
    {
        var spec = task.Spec;
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("task_id", spec.TaskId);
            json.WriteString("session_id", spec.SessionId);
            json.WriteString("model_ref", spec.ModelRef);
            if (catalog?.DigestOf(spec.ModelRef) is { } digest) json.WriteString("model_digest", digest);
            json.WriteString("engine", WireNames.Of(spec.Engine));
            if (pool.MetricLabels.EngineVersion is { Length: > 0 } version) json.WriteString("engine_version", version);
            json.WriteString("pool_id", pool.Id);
            json.WriteString("replica_id", replicaId);
            json.WriteString("prompt", spec.Prompt ?? string.Empty);
            json.WriteNumber("seed", task.Seed);
            json.WriteString("determinism", WireNames.Determinisms.First(pair => pair.Value == spec.Determinism).Key);
            json.WriteString("sampler_profile_version", spec.SamplerProfileVersion);
            json.WriteStartObject("sampling");
            json.WriteNumber("temperature", spec.Sampling.Temperature);
            json.WriteNumber("top_k", spec.Sampling.TopK);
            json.WriteNumber("top_p", spec.Sampling.TopP);
            json.WriteNumber("min_p", spec.Sampling.MinP);
            json.WriteNumber("repeat_penalty", spec.Sampling.RepeatPenalty);
            json.WriteEndObject();
            if (spec.MaxTokens is { } maxTokens) json.WriteNumber("max_tokens", maxTokens);
            if (spec.Ctx is { } ctx) json.WriteNumber("ctx", ctx);
            if (spec.Stop is { } stop)
            {
                json.WriteStartArray("stop");
                foreach (var word in stop) json.WriteStringValue(word);
                json.WriteEndArray();
            }
            if (spec.Grammar is { } grammar) json.WriteString("grammar", grammar);
            json.WriteStartArray("tokens");
            foreach (var record in events)
            {
                if (record.Kind == TaskEventKind.Token) json.WriteStringValue(record.Text);
            }
            json.WriteEndArray();
            json.WriteNumber("tokens_in", final.TokensIn);
            json.WriteNumber("tokens_out", final.TokensOut);
            if (final.PromptTokensCached is { } cached) json.WriteNumber("tokens_cached", cached);
            json.WriteStartObject("timings");
            json.WriteNumber("queued_ms", (long)timings.QueuedMs);
            if (timings.FirstTokenMs is { } first) json.WriteNumber("first_token_ms", (long)first);
            json.WriteNumber("decode_ms", (long)final.DecodeMs);
            json.WriteNumber("total_ms", (long)timings.TotalMs);
            json.WriteEndObject();
            json.WriteString("stop_reason", final.StopType);
            json.WriteEndObject();
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}

/// <summary>A run's times in milliseconds: in the queue, to the first token (when one came) and in all.</summary>
internal readonly record struct RunTimings(double QueuedMs, double? FirstTokenMs, double TotalMs);
