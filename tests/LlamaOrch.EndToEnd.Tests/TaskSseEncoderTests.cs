using System.Text;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Endpoints;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>The task API's SSE bytes for each kind of task event, exactly as they went out before the log held events, read through the log as the stream reads them.</summary>
public sealed class TaskSseEncoderTests
{
    public static TheoryData<TaskEventKind, object, string> Frames => new()
    {
        { TaskEventKind.Started, new StartedFrame(2, null, "default", "default-r0", 42, 7, 3),
            "event: started\ndata: {\"queue_position\":2,\"predicted_start_ms\":null,\"pool_id\":\"default\",\"replica_id\":\"default-r0\",\"seed\":42,\"queued_ms\":7,\"dispatch_seq\":3}\n\n" },
        { TaskEventKind.Token, new TokenFrame("Once \"upon\" a tïme\n<b>", 12),
            "event: token\ndata: {\"t\":\"Once \\\"upon\\\" a tïme\\n<b>\",\"i\":12}\n\n" },
        { TaskEventKind.Metrics, new MetricsFrame(1, 64, 120, null, 5000),
            "event: metrics\ndata: {\"queue_depth\":1,\"tokens_out\":64,\"decode_ms\":120,\"deadline_remaining_ms\":5000}\n\n" },
        { TaskEventKind.Embedding, new EmbeddingFrame(0, [0.5f, -0.25f], 3),
            "event: embedding\ndata: {\"i\":0,\"embedding\":[0.5,-0.25],\"tokens\":3}\n\n" },
        { TaskEventKind.Score, new ScoreFrame(1, 0.75f, 2, 9),
            "event: score\ndata: {\"i\":1,\"score\":0.75,\"rank\":2,\"tokens\":9}\n\n" },
        { TaskEventKind.End, new EndFrame(64, 5, 120, Canceled: false, StopReason: "limit"),
            "event: end\ndata: {\"tokens_out\":64,\"tokens_in\":5,\"decode_ms\":120,\"canceled\":false,\"stop_reason\":\"limit\"}\n\n" },
        { TaskEventKind.Error, new ErrorEnvelope("WORKER_RESET", "the engine went away", Engine: "llamacpp", Retriable: true),
            "event: error\ndata: {\"code\":\"WORKER_RESET\",\"message\":\"the engine went away\",\"engine\":\"llamacpp\",\"retriable\":true}\n\n" },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public async Task Each_event_is_one_complete_sse_frame(TaskEventKind kind, object payload, string expected)
    {
        var gate = new object();
        var log = new TaskEventLog(gate);
        lock (gate)
        {
            if (payload is TokenFrame token) log.AppendTokenLocked(token.T, token.I);
            else log.AppendLocked(kind, payload, close: false);
        }

        var (_, _, frames) = await log.ReadEncodedAsync(0, TaskSseEncoder.Instance);

        Assert.Equal(expected, Encoding.UTF8.GetString(frames.Span));
    }
}
