using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Contracts;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// The task API's framing: each task event as one complete SSE event (<c>event: NAME\ndata: JSON\n\n</c>).
/// <see cref="Instance"/> is the one key of these bytes on every event, so all readers of a task share them.
/// Thread-safe: the scratch buffers are per thread.
/// </summary>
internal sealed class TaskSseEncoder : ITaskEventEncoder
{
    public static readonly TaskSseEncoder Instance = new();

    // Relaxed escaping keeps non-ASCII text readable and small; SSE has no HTML context to protect.
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonEncodedText TokenText = JsonEncodedText.Encode("t");
    private static readonly JsonEncodedText TokenIndex = JsonEncodedText.Encode("i");

    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private TaskSseEncoder()
    {
    }

    public byte[] Encode(TaskEvent taskEvent)
    {
        var context = ContractsJsonContext.Default;
        return taskEvent switch
        {
            TokenEvent token => Encode("token", token, WriteToken),
            StartedEvent started => Encode("started", started.Frame, context.StartedFrame),
            MetricsEvent metrics => Encode("metrics", metrics.Frame, context.MetricsFrame),
            EmbeddingEvent embedding => Encode("embedding", embedding.Frame, context.EmbeddingFrame),
            ScoreEvent score => Encode("score", score.Frame, context.ScoreFrame),
            EndEvent end => Encode("end", end.Frame, context.EndFrame),
            ErrorEvent error => Encode("error", error.Error, context.ErrorEnvelope),
            _ => throw new ArgumentOutOfRangeException(nameof(taskEvent), taskEvent.GetType().Name, "no SSE framing for this task event"),
        };
    }

    // Tokens are most of a stream: written by hand they need no TokenFrame, and the bytes are the serializer's.
    private static void WriteToken(Utf8JsonWriter writer, TokenEvent token)
    {
        writer.WriteStartObject();
        writer.WriteString(TokenText, token.Text);
        writer.WriteNumber(TokenIndex, token.Index);
        writer.WriteEndObject();
    }

    private static byte[] Encode<T>(string eventName, T payload, JsonTypeInfo<T> typeInfo) =>
        Encode(eventName, (payload, typeInfo), static (writer, state) => JsonSerializer.Serialize(writer, state.payload, state.typeInfo));

    private static byte[] Encode<TState>(string eventName, TState state, Action<Utf8JsonWriter, TState> writeData)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer, WriterOptions);
        writer.Reset(buffer);

        Write(buffer, "event: ");
        Write(buffer, eventName);
        Write(buffer, "\ndata: ");
        writeData(writer, state);
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
