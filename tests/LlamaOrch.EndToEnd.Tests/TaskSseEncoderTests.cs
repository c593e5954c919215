using System.Text;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Endpoints;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>The task API's SSE bytes for each kind of task event, exactly as they went out before the log held events.</summary>
public sealed class TaskSseEncoderTests
{
    public static TheoryData<TaskEvent, string> Frames => new()
    {
        { new StartedEvent(new StartedFrame(2, null, "default", "default-r0", 42, 7, 3)),
            "event: started\ndata: {\"queue_position\":2,\"predicted_start_ms\":null,\"pool_id\":\"default\",\"replica_id\":\"default-r0\",\"seed\":42,\"queued_ms\":7,\"dispatch_seq\":3}\n\n" },
        { new TokenEvent("Once \"upon\" a tïme\n<b>", 12),
            "event: token\ndata: {\"t\":\"Once \\\"upon\\\" a tïme\\n<b>\",\"i\":12}\n\n" },
        { new MetricsEvent(new MetricsFrame(1, 64, 120, null, 5000)),
            "event: metrics\ndata: {\"queue_depth\":1,\"tokens_out\":64,\"decode_ms\":120,\"deadline_remaining_ms\":5000}\n\n" },
        { new EmbeddingEvent(new EmbeddingFrame(0, [0.5f, -0.25f], 3)),
            "event: embedding\ndata: {\"i\":0,\"embedding\":[0.5,-0.25],\"tokens\":3}\n\n" },
        { new ScoreEvent(new ScoreFrame(1, 0.75f, 2, 9)),
            "event: score\ndata: {\"i\":1,\"score\":0.75,\"rank\":2,\"tokens\":9}\n\n" },
        { new EndEvent(new EndFrame(64, 5, 120, Canceled: false, StopReason: "limit")),
            "event: end\ndata: {\"tokens_out\":64,\"tokens_in\":5,\"decode_ms\":120,\"canceled\":false,\"stop_reason\":\"limit\"}\n\n" },
        { new ErrorEvent(new ErrorEnvelope("WORKER_RESET", "the engine went away", Engine: "llamacpp", Retriable: true)),
            "event: error\ndata: {\"code\":\"WORKER_RESET\",\"message\":\"the engine went away\",\"engine\":\"llamacpp\",\"retriable\":true}\n\n" },
    };

    [Theory]
    [MemberData(nameof(Frames))]
    public void Each_event_is_one_complete_sse_frame(TaskEvent taskEvent, string expected)
    {
        Assert.Equal(expected, Encoding.UTF8.GetString(TaskSseEncoder.Instance.Encode(taskEvent)));
    }

    [Fact]
    public void Every_reader_of_the_task_door_writes_the_same_cached_bytes()
    {
        var token = new TokenEvent("hi", 0);

        Assert.Same(token.EncodedBy(TaskSseEncoder.Instance), token.EncodedBy(TaskSseEncoder.Instance));
    }
}
