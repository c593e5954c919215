using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Models;

/// <summary>
/// sha256 of model files, remembered per path, size and modification time, in memory and in
/// <c>{cacheDir}/verified/</c>, so a multi-gigabyte model is hashed once and not on every start. A file
/// that changes (size or mtime) is hashed again.
/// </summary>
internal sealed class DigestCache(string cacheDir, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly string _recordDir = Path.Combine(cacheDir, "verified");
    private int _hashesComputed;

    /// <summary>How many files this instance has actually read to hash (tests check the cache works).</summary>
    internal int HashesComputed => Volatile.Read(ref _hashesComputed);

    /// <summary>The remembered digest of the file as it is now, or null.</summary>
    public string? TryGet(string path)
    {
        var stamp = Stamp.Of(path);
        if (stamp is null) return null;
        if (_entries.TryGetValue(path, out var known) && known.Stamp == stamp) return known.Sha256;
        if (ReadRecord(path) is { } recorded && recorded.Stamp == stamp)
        {
            _entries[path] = recorded;
            return recorded.Sha256;
        }
        return null;
    }

    public async Task<string> GetSha256Async(string path, CancellationToken cancellationToken)
    {
        if (TryGet(path) is { } known) return known;

        var before = Stamp.Of(path) ?? throw new FileNotFoundException($"model file '{path}' does not exist", path);
        logger.LogInformation("Computing sha256 of {Path} ({Bytes} bytes)", path, before.Size);
        Interlocked.Increment(ref _hashesComputed);
        string sha256;
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            sha256 = Sha256Hex.Of(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }

        // A file rewritten while it was read has no single digest; report it, but remember nothing.
        if (Stamp.Of(path) == before) Remember(path, before, sha256);
        return sha256;
    }

    /// <summary>Records a digest computed elsewhere (while downloading the file).</summary>
    public void Remember(string path, string sha256)
    {
        if (Stamp.Of(path) is { } stamp) Remember(path, stamp, sha256);
    }

    private void Remember(string path, Stamp stamp, string sha256)
    {
        var entry = new Entry(stamp, sha256);
        _entries[path] = entry;
        try
        {
            // One small file per model path: no shared file to lock between processes; written to a
            // temporary name and renamed, so a reader never sees half a record.
            Directory.CreateDirectory(_recordDir);
            var record = RecordPath(path);
            var temporary = $"{record}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            File.WriteAllText(temporary, string.Join('\n',
                stamp.Size.ToString(CultureInfo.InvariantCulture),
                stamp.ModifiedTicks.ToString(CultureInfo.InvariantCulture),
                sha256,
                path));
            File.Move(temporary, record, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a lost optimisation: the file is hashed again on the next start.
            logger.LogDebug("Cannot record the sha256 of {Path} under {Dir}: {Error}", path, _recordDir, e.Message);
        }
    }

    private Entry? ReadRecord(string path)
    {
        try
        {
            var lines = File.ReadAllText(RecordPath(path)).Split('\n');
            if (lines.Length == 4
                && long.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                && long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && Sha256Hex.TryNormalize(lines[2], out var sha256)
                && lines[3] == path)
            {
                return new Entry(new Stamp(size, ticks), sha256);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No record (or an unreadable one) just means hashing again.
        }
        return null;
    }

    private string RecordPath(string path) => Path.Combine(_recordDir, Sha256Hex.OfText(path) + ".sha256");

    private sealed record Entry(Stamp Stamp, string Sha256);

    private sealed record Stamp(long Size, long ModifiedTicks)
    {
        public static Stamp? Of(string path)
        {
            var info = new FileInfo(path);
            return info.Exists ? new Stamp(info.Length, info.LastWriteTimeUtc.Ticks) : null;
        }
    }
}
