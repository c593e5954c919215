using System.Diagnostics;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

/// <summary>What a queued task keeps in a compact form reads back exactly as it was given.</summary>
public sealed class QueuedTaskFootprintTests
{
    [Theory]
    [InlineData(0.25, 1_500L)]
    [InlineData(null, null)]
    [InlineData(0.0, 0L)]
    public async Task A_queued_progress_reads_as_the_metrics_frame_it_stands_for(double? onTime, long? remainingMs)
    {
        var log = new TaskEventLog(new object());
        log.AppendLocked(TaskEventKind.Metrics, new QueuedProgress(7, 3, 12_345, onTime, remainingMs), close: false).Wake();
        log.AppendLocked(TaskEventKind.End, new EndFrame(0, 0, 0, Canceled: true, StopReason: "canceled"), close: true).Wake();

        var sink = new List<TaskEventRecord>();
        await log.ReadEventsAsync(0, sink);

        var expected = new MetricsFrame(7, 0, 0, onTime, remainingMs, QueuePosition: 3, PredictedStartMs: 12_345);
        Assert.Equal(new TaskEventRecord(TaskEventKind.Metrics, null, 0, expected), sink[0]);
        Assert.Equal(TaskEventKind.End, sink[1].Kind);
    }

    [Fact]
    public async Task A_door_encodes_a_queued_progress_as_the_metrics_frame_it_stands_for()
    {
        var door = new PayloadEncoder();
        var log = new TaskEventLog(new object());
        log.AppendLocked(TaskEventKind.Metrics, new QueuedProgress(2, 1, 40, null, 900), close: false).Wake();

        await log.ReadEncodedAsync(0, door);

        Assert.Equal(new MetricsFrame(2, 0, 0, null, 900, QueuePosition: 1, PredictedStartMs: 40), Assert.Single(door.Payloads));
    }

    [Theory]
    [InlineData("0b6f3f4e-2a51-4d55-9b8e-3c1c1f0a9d27")] // as the server makes it
    [InlineData("0B6F3F4E-2A51-4D55-9B8E-3C1C1F0A9D27")] // a client's uuid in another spelling is kept as sent
    [InlineData("{0b6f3f4e-2a51-4d55-9b8e-3c1c1f0a9d27}")]
    [InlineData("req-42/retry-1")]
    public void A_task_gives_back_its_correlation_id_exactly_as_admitted(string correlationId)
    {
        var harness = new PoolHarness(slots: 1);
        var task = harness.Admission.Submit(Spec(Guid.NewGuid().ToString(), harness.Pool.Config.Model), correlationId).Task!;

        Assert.Equal(correlationId, task.CorrelationId);
    }

    [Fact]
    public void A_session_whose_tasks_only_wait_reports_no_turns_yet()
    {
        var harness = new PoolHarness(slots: 1);
        var session = Guid.NewGuid().ToString();
        harness.Admit("blocker", sessionId: session);
        harness.Admit("waiting", sessionId: session);

        var report = harness.Pool.Sessions.Find(session);

        Assert.NotNull(report);
        Assert.Equal(0, report.Turns);
        Assert.Empty(report.RecentTurns);
    }

    [Fact]
    public void A_trace_parent_kept_as_raw_ids_is_the_same_context()
    {
        var context = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, "vendor=1", isRemote: true);

        Assert.Equal(context, new TraceParentBytes(context).Context);
        Assert.Equal(default, new TraceParentBytes(default).Context);
        var unsampled = new ActivityContext(context.TraceId, context.SpanId, ActivityTraceFlags.None);
        Assert.Equal(unsampled, new TraceParentBytes(unsampled).Context);
    }

    [Fact]
    public void Tasks_of_one_session_and_model_share_its_strings_rather_than_keep_copies()
    {
        var harness = new PoolHarness(slots: 1);
        var session = Guid.NewGuid().ToString();
        // Each body parsed from its own request: equal strings, other instances (a literal would be one interned instance).
        OrchestratedTask Submit() => harness.Admission.Submit(Spec(new string(session.AsSpan()), new string(harness.Pool.Config.Model.AsSpan())), "corr").Task!;
        var first = Submit();
        var second = Submit();

        Assert.Equal(session, second.Spec.SessionId);
        Assert.Same(first.Spec.SessionId, second.Spec.SessionId);
        Assert.Same(harness.Pool.Config.Model, first.Spec.ModelRef);
        Assert.Same(harness.Pool.Config.Model, second.Spec.ModelRef);
    }

    private static TaskSpec Spec(string sessionId, string modelRef)
    {
        var body = TaskRequestValidatorTests.Valid() with { TaskId = Guid.NewGuid().ToString(), SessionId = sessionId, ModelRef = modelRef };
        Assert.Null(TaskRequestValidator.Validate(body, new AdmissionLimits(), out var spec));
        return spec!;
    }

    /// <summary>Keeps the payload of every event it is asked to encode, and writes one byte for it.</summary>
    private sealed class PayloadEncoder : ITaskEventEncoder
    {
        public List<object?> Payloads { get; } = [];

        public void Encode(in TaskEventView taskEvent, System.Buffers.IBufferWriter<byte> output)
        {
            Payloads.Add(taskEvent.Payload);
            output.GetSpan(1)[0] = (byte)'.';
            output.Advance(1);
        }
    }
}
