using System.Text.Json;

namespace LlamaOrch.Cli.Commands;

/// <summary>
/// Writes one JSONL result per input line in input order, whatever order the tasks finish in: a result waits until
/// those of the lines before it are written. Thread-safe.
/// </summary>
internal sealed class BatchResultWriter(Stream output, int count)
{
    private readonly BatchOutcome?[] _pending = new BatchOutcome?[count];
    private readonly SemaphoreSlim _lock = new(1, 1);
    private int _next;

    /// <param name="index">The outcome's place among the tasks (0-based, blank lines not counted).</param>
    public async Task CompleteAsync(int index, BatchOutcome outcome, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken);
        try
        {
            _pending[index] = outcome;
            while (_next < _pending.Length && _pending[_next] is { } ready)
            {
                _pending[_next] = null;
                _next++;
                await output.WriteAsync(Serialize(ready), cancellationToken);
            }
            await output.FlushAsync(cancellationToken);
        }
        finally
        {
            _lock.Release();
        }
    }

    internal static byte[] Serialize(BatchOutcome outcome)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteNumber("line", outcome.Line.Number);
            if (outcome.Line.IdJson is { } id)
            {
                json.WritePropertyName("id");
                json.WriteRawValue(id);
            }
            if (outcome.TaskId is { } taskId) json.WriteString("task_id", taskId);
            if (outcome.Succeeded)
            {
                json.WriteString("text", outcome.Text);
                json.WriteNumber("tokens_in", outcome.TokensIn);
                json.WriteNumber("tokens_out", outcome.TokensOut);
                json.WriteString("stop_reason", outcome.StopReason);
            }
            json.WriteNumber("retries_429", outcome.Retries429);
            if (!outcome.Succeeded)
            {
                json.WriteStartObject("error");
                json.WriteString("code", outcome.ErrorCode);
                json.WriteString("message", outcome.ErrorMessage);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
