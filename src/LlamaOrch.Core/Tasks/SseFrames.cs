using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// Encodes stream frames once, as complete SSE events (<c>event: NAME\ndata: JSON\n\n</c>), so that every
/// reader of a task writes the same bytes without serialising again.
/// </summary>
public static class SseFrames
{
    public const string StartedEvent = "started";
    public const string TokenEvent = "token";
    public const string MetricsEvent = "metrics";
    public const string EmbeddingEvent = "embedding";
    public const string ScoreEvent = "score";
    public const string EndEvent = "end";
    public const string ErrorEvent = "error";

    // Relaxed escaping keeps non-ASCII text readable and small; SSE has no HTML context to protect.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    public static byte[] Started(StartedFrame frame) => Encode(StartedEvent, frame, ContractsJsonContext.Default.StartedFrame);

    public static byte[] Token(string text, int index) => Encode(TokenEvent, new TokenFrame(text, index), ContractsJsonContext.Default.TokenFrame);

    public static byte[] Embedding(EmbeddingFrame frame) => Encode(EmbeddingEvent, frame, ContractsJsonContext.Default.EmbeddingFrame);

    public static byte[] Score(ScoreFrame frame) => Encode(ScoreEvent, frame, ContractsJsonContext.Default.ScoreFrame);

    public static byte[] Metrics(MetricsFrame frame) => Encode(MetricsEvent, frame, ContractsJsonContext.Default.MetricsFrame);

    public static byte[] End(EndFrame frame) => Encode(EndEvent, frame, ContractsJsonContext.Default.EndFrame);

    public static byte[] Error(ErrorEnvelope frame) => Encode(ErrorEvent, frame, ContractsJsonContext.Default.ErrorEnvelope);

    private static byte[] Encode<T>(string eventName, T payload, JsonTypeInfo<T> typeInfo)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);

        Write(buffer, "event: ");
        Write(buffer, eventName);
        Write(buffer, "\ndata: ");
        JsonSerializer.Serialize(writer, payload, typeInfo);
        writer.Flush();
        Write(buffer, "\n\n");
        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(ArrayBufferWriter<byte> buffer, string ascii)
    {
        var written = Encoding.ASCII.GetBytes(ascii, buffer.GetSpan(ascii.Length));
        buffer.Advance(written);
    }
}
