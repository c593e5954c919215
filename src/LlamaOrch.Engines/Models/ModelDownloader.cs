using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Models;

/// <summary>
/// One download of a model file into its cache path: streamed to <c>&lt;target&gt;.partial</c>, resumed with
/// a Range request when a partial file exists, hashed while it streams, checked to be GGUF and against a
/// known digest, then renamed into place, so the final name never holds a half-written file. A failed
/// transfer keeps the partial file for the next attempt; a wrong file is deleted.
/// </summary>
internal sealed class ModelDownloader(HttpClient http, ModelStoreOptions options, TimeProvider time, ILogger logger)
{
    private const int BufferSize = 256 * 1024;

    public async Task<DownloadedFile> DownloadAsync(
        ModelRef modelRef,
        Uri url,
        string target,
        string? expectedSha256,
        string whereToPut,
        IProgress<ModelDownloadProgress> progress,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partialPath = target + ".partial";
        // The validator (ETag) of the partial's content: a resume asks for the rest only if the file is
        // still the same (If-Range), so a file replaced upstream is not spliced onto an old beginning.
        var etagPath = target + ".partial.etag";

        string sha256;
        long size;
        byte[] head;
        var partial = OpenPartial(modelRef, partialPath);
        try
        {
            await using (partial.ConfigureAwait(false))
            {
                (size, sha256, head) = await FillAsync(modelRef, url, partial, partialPath, etagPath, whereToPut, progress, cancellationToken)
                    .ConfigureAwait(false);
            }
        }
        catch
        {
            // Nothing received (refused, 404, …): leave no empty partial file behind.
            if (new FileInfo(partialPath) is { Exists: true, Length: 0 }) Discard(partialPath, etagPath);
            throw;
        }

        if (!head.AsSpan().SequenceEqual("GGUF"u8))
        {
            // Typically an HTML page (a login or error page served with 200): not worth keeping or resuming.
            Discard(partialPath, etagPath);
            throw new ModelStoreException(ModelStoreErrorKind.DownloadFailed,
                // The bytes it did send are not quoted: the message reaches clients (a catalog verification), and the
                // server may be one they could not read themselves.
                $"{url} did not send a GGUF file for {modelRef} (it does not start with 'GGUF'); " +
                "the download was deleted. " + whereToPut, retriable: false);
        }
        if (expectedSha256 is not null && sha256 != expectedSha256)
        {
            Discard(partialPath, etagPath);
            throw new ModelStoreException(ModelStoreErrorKind.DigestMismatch,
                $"The download of {modelRef} from {url} has sha256 {sha256}, but {expectedSha256} was expected; the download was deleted.");
        }

        File.Move(partialPath, target, overwrite: true);
        TryDelete(etagPath);
        logger.LogInformation("Downloaded {ModelRef} to {Path} ({Bytes} bytes, sha256 {Sha256})", modelRef, target, size, sha256);
        return new DownloadedFile(target, size, sha256);
    }

    /// <summary>Brings the partial file to the whole body (resuming or restarting as the server allows);
    /// returns its size, sha256 and first four bytes.</summary>
    private async Task<(long Size, string Sha256, byte[] Head)> FillAsync(
        ModelRef modelRef,
        Uri url,
        FileStream partial,
        string partialPath,
        string etagPath,
        string whereToPut,
        IProgress<ModelDownloadProgress> progress,
        CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var resumeFrom = partial.Length;
        if (resumeFrom > 0) await HashPrefixAsync(partial, resumeFrom, hash, cancellationToken).ConfigureAwait(false);

        HttpResponseMessage? response = null;
        try
        {
            long? total;
            var complete = false;
            while (true)
            {
                var etag = resumeFrom > 0 ? ReadEtag(etagPath) : null;
                response = await SendAsync(modelRef, url, resumeFrom, etag, whereToPut, cancellationToken).ConfigureAwait(false);
                var status = response.StatusCode;
                var range = response.Content.Headers.ContentRange;
                if (status == HttpStatusCode.PartialContent && resumeFrom > 0 && range is { HasRange: true } && range.From == resumeFrom)
                {
                    total = range.Length;
                    logger.LogInformation("Resuming download of {ModelRef} from {Url} at byte {Offset}", modelRef, url, resumeFrom);
                    break;
                }
                if (status == HttpStatusCode.OK)
                {
                    if (resumeFrom > 0)
                        logger.LogInformation("{Url} sent the whole file instead of the requested range; restarting the download of {ModelRef}", url, modelRef);
                    Restart(partial, hash, etagPath);
                    resumeFrom = 0;
                    total = response.Content.Headers.ContentLength;
                    break;
                }
                if (status == HttpStatusCode.RequestedRangeNotSatisfiable && resumeFrom > 0 && range?.Length == resumeFrom)
                {
                    // The previous attempt received every byte but stopped before the rename.
                    total = resumeFrom;
                    complete = true;
                    break;
                }
                if (resumeFrom > 0 && status is HttpStatusCode.PartialContent or HttpStatusCode.RequestedRangeNotSatisfiable)
                {
                    // A range we cannot append (another start, or a partial longer than the file): start over.
                    logger.LogInformation("{Url} answered {Status} to a resume at byte {Offset}; restarting the download of {ModelRef}",
                        url, (int)status, resumeFrom, modelRef);
                    response.Dispose();
                    Restart(partial, hash, etagPath);
                    resumeFrom = 0;
                    continue;
                }
                throw Failure(modelRef, url, response, whereToPut);
            }

            SaveEtag(response, etagPath, resumeFrom);
            if (!complete)
                await CopyBodyAsync(modelRef, url, response, partial, partialPath, hash, resumeFrom, total, progress, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            response?.Dispose();
        }

        // Durable before the rename: a crash must not leave a final name over unwritten blocks.
        await partial.FlushAsync(cancellationToken).ConfigureAwait(false);
        partial.Flush(flushToDisk: true);
        var size = partial.Length;
        var sha256 = Sha256Hex.Of(hash.GetHashAndReset());
        partial.Position = 0;
        var head = new byte[4];
        var headLength = await partial.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return (size, sha256, head[..headLength]);
    }

    private static FileStream OpenPartial(ModelRef modelRef, string partialPath)
    {
        try
        {
            // Exclusive: a second process downloading the same model fails here instead of interleaving writes.
            return new FileStream(partialPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelStoreException(ModelStoreErrorKind.DownloadFailed,
                $"Cannot open {partialPath} to download {modelRef} (is another process downloading it?): {e.Message}", e);
        }
    }

    private static async Task HashPrefixAsync(FileStream partial, long length, IncrementalHash hash, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            partial.Position = 0;
            var left = length;
            while (left > 0)
            {
                var read = await partial.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                hash.AppendData(buffer, 0, read);
                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(ModelRef modelRef, Uri url, long resumeFrom, string? etag, string whereToPut, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (resumeFrom > 0)
        {
            request.Headers.Range = new RangeHeaderValue(resumeFrom, null);
            if (etag is not null) request.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue(etag));
        }
        // The client has no overall timeout (a model takes as long as it takes), so a server that accepts the
        // connection and never answers is caught here, like a stalled body.
        using var noAnswer = new CancellationTokenSource(options.StallTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, noAnswer.Token);
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            var reason = e is OperationCanceledException ? $"no answer within {options.StallTimeout.TotalSeconds:0.#} s" : e.Message;
            throw new ModelStoreException(ModelStoreErrorKind.Unavailable,
                $"Model {modelRef} is not on this machine and cannot be downloaded from {url}: {reason}. {whereToPut}", e);
        }
    }

    private async Task CopyBodyAsync(
        ModelRef modelRef,
        Uri url,
        HttpResponseMessage response,
        FileStream partial,
        string partialPath,
        IncrementalHash hash,
        long start,
        long? total,
        IProgress<ModelDownloadProgress> progress,
        CancellationToken cancellationToken)
    {
        logger.LogInformation("Downloading {ModelRef} from {Url} to {Path} ({Total} bytes, starting at {Offset})",
            modelRef, url, partialPath, total?.ToString(CultureInfo.InvariantCulture) ?? "unknown", start);
        var began = time.GetTimestamp();
        var lastReport = began;
        var lastLog = began;
        var received = start;
        progress.Report(new ModelDownloadProgress(modelRef.Canonical, received, total, 0));

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            partial.Position = start;
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                // One timer on the time provider, re-armed before each read (CancelAfter keeps the provider's timer).
                using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
                while (true)
                {
                    int read;
                    try
                    {
                        stall.CancelAfter(options.StallTimeout);
                        read = await body.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw Interrupted(modelRef, url, partialPath, received, total, $"no data for {options.StallTimeout.TotalSeconds:0.#} s", e);
                    }
                    catch (Exception e) when (e is IOException or HttpRequestException)
                    {
                        throw Interrupted(modelRef, url, partialPath, received, total, e.Message, e);
                    }
                    if (read == 0) break;

                    try
                    {
                        await partial.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                    catch (IOException e)
                    {
                        throw new ModelStoreException(ModelStoreErrorKind.DownloadFailed,
                            $"Cannot write {partialPath} while downloading {modelRef} (disk full?): {e.Message}", e);
                    }
                    hash.AppendData(buffer, 0, read);
                    received += read;

                    var now = time.GetTimestamp();
                    if (time.GetElapsedTime(lastReport, now) >= options.ProgressInterval)
                    {
                        lastReport = now;
                        progress.Report(new ModelDownloadProgress(modelRef.Canonical, received, total, Rate(received - start, began, now)));
                    }
                    if (time.GetElapsedTime(lastLog, now) >= options.LogInterval)
                    {
                        lastLog = now;
                        logger.LogInformation("Downloading {ModelRef}: {Received} of {Total} bytes, {MiBPerSecond:F1} MiB/s",
                            modelRef, received, total?.ToString(CultureInfo.InvariantCulture) ?? "unknown", Rate(received - start, began, now) / (1024 * 1024));
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (total is { } expected && received != expected)
            throw Interrupted(modelRef, url, partialPath, received, total, "the body ended early", inner: null);
        progress.Report(new ModelDownloadProgress(modelRef.Canonical, received, total, Rate(received - start, began, time.GetTimestamp())));
    }

    private double Rate(long bytes, long began, long now)
    {
        var seconds = time.GetElapsedTime(began, now).TotalSeconds;
        return seconds > 0 ? bytes / seconds : 0;
    }

    private static ModelStoreException Interrupted(ModelRef modelRef, Uri url, string partialPath, long received, long? total, string reason, Exception? inner) =>
        new(ModelStoreErrorKind.DownloadFailed,
            $"The download of {modelRef} from {url} was interrupted after {received} of {total?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} bytes ({reason}). " +
            $"The partial download stays at {partialPath}; resolving the model again resumes it.", inner);

    private static ModelStoreException Failure(ModelRef modelRef, Uri url, HttpResponseMessage response, string whereToPut)
    {
        // The number only: the reason phrase is the server's own text, and the message reaches clients.
        var status = ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound or HttpStatusCode.Gone => new ModelStoreException(ModelStoreErrorKind.NotFound,
                $"{url} answered {status} for {modelRef}: check the ref (for hf: its org, repo and path in the repo). {whereToPut}"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new ModelStoreException(ModelStoreErrorKind.DownloadFailed,
                $"{url} answered {status} for {modelRef}: the repository may be gated or private; download the file with your own credentials. {whereToPut}",
                retriable: false),
            _ => new ModelStoreException(ModelStoreErrorKind.DownloadFailed, $"{url} answered {status} for {modelRef}. {whereToPut}",
                retriable: (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests),
        };
    }

    private static void Restart(FileStream partial, IncrementalHash hash, string etagPath)
    {
        partial.SetLength(0);
        hash.GetHashAndReset();
        TryDelete(etagPath);
    }

    private static string? ReadEtag(string etagPath)
    {
        try
        {
            return File.Exists(etagPath) ? File.ReadAllText(etagPath).Trim() is { Length: > 0 } tag ? tag : null : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void SaveEtag(HttpResponseMessage response, string etagPath, long resumeFrom)
    {
        // If-Range needs a strong validator; without one a resume is unconditional.
        if (response.Headers.ETag is { IsWeak: false } etag)
            File.WriteAllText(etagPath, etag.Tag);
        else if (resumeFrom == 0)
            TryDelete(etagPath);
    }

    private static void Discard(string partialPath, string etagPath)
    {
        TryDelete(partialPath);
        TryDelete(etagPath);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort; a stale side file is overwritten or ignored by the next download.
        }
    }
}
