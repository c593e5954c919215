using System.Buffers;
using System.Text.Json;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// The JSON bodies the bench sends, written by hand with <see cref="Utf8JsonWriter"/>: the bench speaks the
/// wire format as any client does and shares no types with the server it measures.
/// </summary>
/// <param name="engine">The task's <c>engine</c>: llamacpp, or the engine of an upstream pool (vllm).</param>
internal sealed class RequestBodies(string modelRef, int maxTokens, int ctx, string engine = "llamacpp")
{
    /// <summary>Short and fixed: the sim engine's cost does not depend on it, and both paths send the same.</summary>
    public const string Prompt = "Benchmark: tell a short story about a lighthouse keeper.";

    /// <summary>A <c>POST /v1/tasks</c> body; <paramref name="seed"/> null lets orchestratord derive one.</summary>
    /// <param name="pinPool">A pool the task must run in (<c>placement.mode: pin</c>); null leaves the choice to admission.</param>
    public HttpContent Task(string taskId, string sessionId, long? seed, int? maxTokensOverride = null, bool batch = false, string? pinPool = null) => Json(writer =>
    {
        writer.WriteString("task_id"u8, taskId);
        writer.WriteString("session_id"u8, sessionId);
        writer.WriteString("workload"u8, "completion"u8);
        writer.WriteString("model_ref"u8, modelRef);
        writer.WriteString("engine"u8, engine);
        writer.WriteNumber("ctx"u8, ctx);
        writer.WriteString("priority"u8, batch ? "batch"u8 : "interactive"u8);
        writer.WriteNumber("max_tokens"u8, maxTokensOverride ?? maxTokens);
        writer.WriteNumber("deadline_ms"u8, 0);
        writer.WriteString("prompt"u8, Prompt);
        if (seed is { } value) writer.WriteNumber("seed"u8, value);
        if (pinPool is null) return;
        writer.WriteStartObject("placement"u8);
        writer.WriteString("mode"u8, "pin"u8);
        writer.WriteString("pin_pool_id"u8, pinPool);
        writer.WriteEndObject();
    });

    /// <summary>
    /// <see cref="Prompt"/> as the one user message of a chat, rendered as the OpenAI door renders it for a model without a
    /// template (ChatML), and the stop string the door adds.
    /// </summary>
    public const string ChatPrompt = "<|im_start|>user\n" + Prompt + "<|im_end|>\n<|im_start|>assistant\n";

    private const string ChatStop = "<|im_end|>";

    /// <summary>
    /// The <c>POST /completion</c> body orchestratord's llama.cpp adapter sends for the same task; with <paramref name="chat"/>,
    /// for the same streaming chat completion (<see cref="ChatCompletion"/>).
    /// </summary>
    public HttpContent Completion(long seed, bool chat = false) => Json(writer =>
    {
        writer.WriteString("prompt"u8, chat ? ChatPrompt : Prompt);
        writer.WriteNumber("n_predict"u8, maxTokens);
        writer.WriteBoolean("stream"u8, true);
        writer.WriteNumber("seed"u8, seed);
        writer.WriteBoolean("cache_prompt"u8, true);
        if (!chat) return;
        writer.WriteStartArray("stop"u8);
        writer.WriteStringValue(ChatStop);
        writer.WriteEndArray();
    });

    /// <summary>A streaming <c>POST /v1/chat/completions</c> body: <see cref="Prompt"/> as one user message, to <paramref name="model"/> (a pool id).</summary>
    public HttpContent ChatCompletion(string model, long seed) => Json(writer =>
    {
        writer.WriteString("model"u8, model);
        writer.WriteStartArray("messages"u8);
        writer.WriteStartObject();
        writer.WriteString("role"u8, "user"u8);
        writer.WriteString("content"u8, Prompt);
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteNumber("max_tokens"u8, maxTokens);
        writer.WriteNumber("seed"u8, seed);
        writer.WriteBoolean("stream"u8, true);
    });

    /// <summary>
    /// The streaming <c>POST /v1/completions</c> body orchestratord's OpenAI adapter sends an upstream for the same task:
    /// <see cref="Prompt"/>, <paramref name="model"/> (the upstream's model name), usage in the stream.
    /// </summary>
    public HttpContent OpenAiCompletion(string model, long seed) => Json(writer =>
    {
        writer.WriteString("model"u8, model);
        writer.WriteString("prompt"u8, Prompt);
        writer.WriteNumber("max_tokens"u8, maxTokens);
        writer.WriteBoolean("stream"u8, true);
        writer.WriteStartObject("stream_options"u8);
        writer.WriteBoolean("include_usage"u8, true);
        writer.WriteEndObject();
        writer.WriteNumber("seed"u8, seed);
    });

    private static ByteArrayContent Json(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }
        var content = new ByteArrayContent(buffer.WrittenSpan.ToArray());
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        return content;
    }
}
