using System.Runtime.CompilerServices;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Client;

/// <summary>
/// A task as the caller sees it: submitted (with retries) when first enumerated, then its frames as typed
/// <see cref="TaskEvent"/>s to the last one, resumed across dropped connections without gaps or repeats.
/// Cancelling the enumeration's token cancels the task on the server too
/// (<see cref="LlamaOrchClientOptions.CancelTaskOnCallerCancellation"/>).
/// </summary>
/// <example>
/// <code>
/// var run = client.RunTask(new TaskRequestBody { Prompt = "Once upon a time", MaxTokens = 64 });
/// await foreach (var frame in run.WithCancellation(ct))
///     if (frame is TaskEvent.Token token) Console.Write(token.Text);
/// </code>
/// </example>
public sealed class TaskRun : IAsyncEnumerable<TaskEvent>
{
    private readonly LlamaOrchClient _client;
    private readonly TaskRequestBody? _request;
    private readonly ConcurrencyGate? _gate;

    internal TaskRun(LlamaOrchClient client, TaskRequestBody? request, string taskId, string correlationId, ConcurrencyGate? gate)
    {
        _client = client;
        _request = request;
        _gate = gate;
        TaskId = taskId;
        CorrelationId = correlationId;
    }

    /// <summary>The task's id, known before submission (made once here when the request had none, and reused by every retry).</summary>
    public string TaskId { get; }

    /// <summary>The <c>X-Correlation-Id</c> sent with the submission, every stream read and the cancel.</summary>
    public string CorrelationId { get; }

    /// <summary>The one the server echoed last (the same, unless it had to replace an invalid one).</summary>
    public string? EchoedCorrelationId { get; private set; }

    /// <summary>The submission's outcome once it is admitted; null before, and for a run that only streams an existing task.</summary>
    public TaskSubmission? Submission { get; private set; }

    /// <summary>How many times the stream was read again after a dropped connection, over all enumerations.</summary>
    public int Reconnects { get; private set; }

    /// <summary>Submits the task if that has not happened yet, then reads its stream from the first frame.</summary>
    public IAsyncEnumerator<TaskEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        RunAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Runs the task to its last frame and gathers its text and frames.</summary>
    public async Task<TaskResult> CollectAsync(CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        var tokens = 0;
        StartedFrame? started = null;
        EndFrame? end = null;
        ErrorEnvelope? error = null;
        var embeddings = new List<EmbeddingFrame>();
        var scores = new List<ScoreFrame>();
        await foreach (var frame in this.WithCancellation(cancellationToken))
        {
            switch (frame)
            {
                case TaskEvent.Started s: started = s.Frame; break;
                case TaskEvent.Token t: text.Append(t.Text); tokens++; break;
                case TaskEvent.Embedding e: embeddings.Add(e.Frame); break;
                case TaskEvent.Score s: scores.Add(s.Frame); break;
                case TaskEvent.End e: end = e.Frame; break;
                case TaskEvent.Error e: error = e.Frame; break;
            }
        }
        return new TaskResult(TaskId, text.ToString(), tokens, started, end, error, embeddings, scores);
    }

    private async IAsyncEnumerable<TaskEvent> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var lease = _gate is null ? null : await _gate.AcquireAsync(cancellationToken);
        var mayExist = _request is null || Submission is not null;
        var finished = false;
        var pushedBack = false;
        var reader = new TaskStreamReader(_client, TaskId, CorrelationId);
        try
        {
            if (_request is not null && Submission is null)
            {
                // From here the task may exist on the server even if the answer never arrives, so a cancel is worth sending.
                mayExist = true;
                var submitted = await _client.SubmitCoreAsync(_request, CorrelationId, _ =>
                {
                    pushedBack = true;
                    lease?.ReportBackpressure();
                }, cancellationToken);
                Submission = submitted.Value;
                EchoedCorrelationId = submitted.CorrelationId;
            }

            await foreach (var frame in reader.ReadAsync(cancellationToken))
            {
                EchoedCorrelationId = reader.EchoedCorrelationId;
                finished = frame.IsTerminal;
                yield return frame;
            }
            if (!pushedBack) lease?.ReportSuccess();
        }
        finally
        {
            Reconnects += reader.Reconnects;
            if (!finished && mayExist && cancellationToken.IsCancellationRequested && _client.Options.CancelTaskOnCallerCancellation)
                await _client.CancelQuietlyAsync(TaskId, CorrelationId);
        }
    }
}
