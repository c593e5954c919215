using System.Buffers.Binary;
using System.Diagnostics;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// An <see cref="ActivityContext"/> as raw ids. The context's trace and span ids each hold their hex text, a 32- and a
/// 16-character string (140 bytes together) that a queued task would keep for as long as it waits; their 24 bytes
/// are enough to make the same context again when a span needs it (its queue wait and each run: a few times per task).
/// </summary>
internal readonly struct TraceParentBytes
{
    private readonly ulong _traceHigh;
    private readonly ulong _traceLow;
    private readonly ulong _span;
    private readonly string? _traceState;
    private readonly ActivityTraceFlags _flags;
    private readonly bool _isRemote;
    /// <summary>False for the default context (nothing traced the request).</summary>
    private readonly bool _present;

    public TraceParentBytes(ActivityContext context)
    {
        if (context == default) return;
        Span<byte> trace = stackalloc byte[16];
        Span<byte> span = stackalloc byte[8];
        context.TraceId.CopyTo(trace);
        context.SpanId.CopyTo(span);
        _traceHigh = BinaryPrimitives.ReadUInt64BigEndian(trace);
        _traceLow = BinaryPrimitives.ReadUInt64BigEndian(trace[8..]);
        _span = BinaryPrimitives.ReadUInt64BigEndian(span);
        _traceState = context.TraceState;
        _flags = context.TraceFlags;
        _isRemote = context.IsRemote;
        _present = true;
    }

    public ActivityContext Context
    {
        get
        {
            if (!_present) return default;
            Span<byte> trace = stackalloc byte[16];
            Span<byte> span = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(trace, _traceHigh);
            BinaryPrimitives.WriteUInt64BigEndian(trace[8..], _traceLow);
            BinaryPrimitives.WriteUInt64BigEndian(span, _span);
            return new ActivityContext(ActivityTraceId.CreateFromBytes(trace), ActivitySpanId.CreateFromBytes(span), _flags, _traceState, _isRemote);
        }
    }
}
