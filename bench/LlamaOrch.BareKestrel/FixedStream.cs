using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace LlamaOrch.BareKestrel;

/// <summary>
/// A task stream with no task behind it: <c>started</c>, <paramref name="tokens"/> token frames the size of the sim
/// engine's paced as it paces them (token k due k / tps after the start, overdue ones sent together), then <c>end</c>.
/// Each batch of due frames is one write and one flush, as orchestratord's relay does.
/// </summary>
internal sealed class FixedStream(double tps, int tokens)
{
    private static readonly byte[] Started = Encoding.UTF8.GetBytes(
        "event: started\ndata: {\"queue_position\":0,\"predicted_start_ms\":0,\"pool_id\":\"bench\",\"replica_id\":\"bench-r0\",\"seed\":3516810637,\"queued_ms\":0,\"dispatch_seq\":1}\n\n");

    private readonly byte[] _end = Encoding.UTF8.GetBytes(
        $"event: end\ndata: {{\"tokens_out\":{tokens},\"tokens_in\":6,\"decode_ms\":128,\"canceled\":false,\"stop_reason\":\"limit\"}}\n\n");

    // A sim word is a space and a few letters; the counter is what a real frame carries.
    private readonly byte[][] _frames = [.. Enumerable.Range(0, tokens).Select(i => Encoding.UTF8.GetBytes($"event: token\ndata: {{\"t\":\" story\",\"i\":{i}}}\n\n"))];
    private readonly double _ticksPerToken = tps > 0 ? Stopwatch.Frequency / tps : 0;

    public async Task WriteAsync(HttpContext context, bool oneRequest)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        if (oneRequest) response.Headers["X-Task-Id"] = "0b0e8f3a-6c1e-4a52-9a57-5d4b1a0f2c11";
        var aborted = context.RequestAborted;
        try
        {
            await response.StartAsync(aborted);
            response.BodyWriter.Write(Started);
            await response.BodyWriter.FlushAsync(aborted);
            var start = Stopwatch.GetTimestamp();
            var next = 0;
            while (next < _frames.Length)
            {
                var due = start + (long)((next + 1) * _ticksPerToken);
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                if (wait >= TimeSpan.FromMilliseconds(1)) await Task.Delay(wait, aborted);
                var now = Stopwatch.GetTimestamp();
                do response.BodyWriter.Write(_frames[next++]);
                while (next < _frames.Length && start + (long)((next + 1) * _ticksPerToken) <= now);
                if (next == _frames.Length) response.BodyWriter.Write(_end);
                await response.BodyWriter.FlushAsync(aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The client left.
        }
    }
}
