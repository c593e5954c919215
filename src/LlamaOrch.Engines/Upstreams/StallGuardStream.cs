namespace LlamaOrch.Engines.Upstreams;

/// <summary>
/// A response body whose every read must bring a byte within the timeout, else it fails with
/// <see cref="UpstreamStalledException"/>. One timer source serves all reads while none fires, so a stream of many
/// small reads allocates nothing per read beyond the caller-token registration.
/// </summary>
internal sealed class StallGuardStream(Stream inner, TimeSpan timeout) : Stream
{
    private CancellationTokenSource _timer = new();

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_timer.TryReset())
        {
            _timer.Dispose();
            _timer = new CancellationTokenSource();
        }
        var timer = _timer;
        timer.CancelAfter(timeout);
        // The caller's cancellation (a task cancelled) stops the read as well; it is told apart from a stall below.
        await using var caller = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), timer).ConfigureAwait(false);
        try
        {
            return await inner.ReadAsync(buffer, timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException stalled) when (!cancellationToken.IsCancellationRequested)
        {
            throw new UpstreamStalledException(timeout, stalled);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
        finally
        {
            timer.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Synchronous reads are not guarded: no adapter makes them.</summary>
    public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            _timer.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        _timer.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
