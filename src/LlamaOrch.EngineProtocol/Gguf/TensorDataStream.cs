namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// The write-only window a <see cref="GgufTensorDataSource"/> writes one tensor through. It refuses bytes beyond the
/// tensor's size at once, and <see cref="EnsureComplete"/> refuses too few: either would shift every later tensor
/// and make a file that loads as garbage.
/// </summary>
internal sealed class TensorDataStream(Stream inner, string tensorName, long byteSize) : Stream
{
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => byteSize;

    public override long Position
    {
        get => _written;
        set => throw new NotSupportedException();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Admit(buffer.Length);
        inner.Write(buffer);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Admit(buffer.Length);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    // The file is flushed once, at the end; a source flushing per chunk would only slow the write down.
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    public void EnsureComplete()
    {
        if (_written != byteSize)
            throw new InvalidOperationException($"the data source of tensor '{tensorName}' wrote {_written} bytes, but the tensor has {byteSize}");
    }

    private void Admit(int count)
    {
        if (count > byteSize - _written)
            throw new InvalidOperationException($"the data source of tensor '{tensorName}' wrote more than the tensor's {byteSize} bytes");
        _written += count;
    }
}
