using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Engines;

namespace LlamaOrch.Engines.Upstreams;

/// <summary>
/// Reads an upstream's event stream line by line, as <see cref="StreamReader.ReadLineAsync(CancellationToken)"/> did,
/// but refuses a line longer than <see cref="MaxLineBytes"/>: a server that sends bytes without a line break would
/// otherwise grow one string without bound (hundreds of MB) while the stall guard, fed by every byte, never fires.
/// Each search for a line break starts where the last one stopped. Not thread-safe: one stream, one reader.
/// </summary>
internal sealed class UpstreamLineReader(Stream stream, Uri upstream) : IDisposable
{
    /// <summary>
    /// The longest line (one SSE frame) an upstream may send: far above any token frame or final frame with its counts.
    /// Counted in characters here, each at least one byte of UTF-8, so no line under the limit in bytes is refused.
    /// </summary>
    public const int MaxLineBytes = 1 << 20;

    private readonly StreamReader _reader = new(stream);
    private char[] _buffer = new char[4096];
    private int _start;
    private int _end;
    private int _searched; // chars after _start already known to hold no line break

    /// <summary>The next line without its line break (and a trailing <c>\r</c>); null at the end of the stream.</summary>
    public async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start + _searched, _end - _start - _searched).IndexOf('\n');
            if (newline >= 0) return Take(_searched + newline, skip: 1);

            _searched = _end - _start;
            if (_searched > MaxLineBytes)
                throw new EngineFailureException(ErrorCodes.WorkerReset,
                    $"upstream {upstream} sent a frame larger than {MaxLineBytes / (1 << 20)} MiB without a line break", retriable: true);
            MakeRoom();
            var read = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (read == 0) return _end > _start ? Take(_end - _start, skip: 0) : null;
            _end += read;
        }
    }

    private string Take(int length, int skip)
    {
        var line = _buffer.AsSpan(_start, length);
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        var text = new string(line);
        _start += length + skip;
        _searched = 0;
        return text;
    }

    /// <summary>Moves the pending part of a line to the buffer's start, and grows the buffer only when that is full.</summary>
    private void MakeRoom()
    {
        if (_end < _buffer.Length) return;
        var pending = _end - _start;
        if (pending * 2 > _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        if (_start > 0)
        {
            Array.Copy(_buffer, _start, _buffer, 0, pending);
            _start = 0;
            _end = pending;
        }
    }

    private async ValueTask<int> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _reader.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        }
        catch (UpstreamStalledException stalled) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EngineFailureException(ErrorCodes.WorkerReset, $"upstream {upstream} {stalled.Message} mid-stream", retriable: true, stalled);
        }
        catch (Exception error) when (error is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw new EngineFailureException(ErrorCodes.WorkerReset, $"upstream {upstream} went away mid-stream: {error.Message}", retriable: true, error);
        }
    }

    public void Dispose() => _reader.Dispose();
}
