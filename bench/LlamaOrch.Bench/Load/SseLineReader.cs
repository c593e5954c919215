using System.Buffers;

namespace LlamaOrch.Bench.Load;

/// <summary>
/// Splits a response body into lines without allocating per line, so that counting a quarter of a million
/// token frames a second costs the client little next to the servers it measures on the same cores.
/// </summary>
internal sealed class SseLineReader(Stream stream) : IDisposable
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
    private int _start;
    private int _end;

    /// <summary>Reads whatever the server has sent next; false at the end of the body.</summary>
    public async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }

    /// <summary>The next complete line without its line ending; false when only a partial line is buffered.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        var pending = _buffer.AsSpan(_start, _end - _start);
        var newline = pending.IndexOf((byte)'\n');
        if (newline < 0)
        {
            line = default;
            return false;
        }
        line = pending[..newline];
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];
        _start += newline + 1;
        return true;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }
}
