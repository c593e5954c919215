using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using LlamaOrch.Core.Policy;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaOrch.Engines.Models;

/// <summary>
/// Resolves model refs to complete GGUF files on this machine. Local refs are checked where they point;
/// <c>hf:</c> and URL refs are looked for under the search directories, then in the cache, and downloaded
/// into the cache when they are in neither (unless offline). Files of refs with a known digest are
/// verified, with the result remembered per path, size and mtime. Concurrent resolves of one file share
/// a single download. Thread-safe; one instance per process.
/// </summary>
public sealed class ModelStore : IDisposable
{
    private readonly ModelLocations _locations;
    private readonly DigestCache _digests;
    private readonly ModelDownloader _downloader;
    // For refs a client chose (a catalog entry's URL): connects to public addresses only.
    private readonly ModelDownloader _publicDownloader;
    private readonly HttpClient? _publicHttp;
    private readonly Dictionary<ModelRef, string> _knownDigests = [];
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SharedDownload> _downloads = new(StringComparer.Ordinal);
    // Cancelled, never disposed, on Dispose: downloads still finishing link to it.
    private readonly CancellationTokenSource _lifetime = new();
    private bool _disposed;

    /// <param name="options">Validated here; an invalid option throws <see cref="ArgumentException"/>
    /// naming it.</param>
    /// <param name="http">The client for downloads; the store makes (and disposes) its own when null. A given client
    /// also serves the downloads that may reach public addresses only: it is trusted to connect where it will.</param>
    /// <param name="logger">Download progress and verification are logged here.</param>
    /// <param name="time">Clock for progress rates and report intervals.</param>
    public ModelStore(ModelStoreOptions options, HttpClient? http = null, ILogger? logger = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Validate(options);
        foreach (var (text, digest) in options.KnownDigests)
            _knownDigests[ModelRef.Parse(text)] = Sha256Hex.TryNormalize(digest, out var hex) ? hex : throw new UnreachableException();

        Options = options;
        _logger = logger ?? NullLogger.Instance;
        _ownsHttp = http is null;
        _http = http ?? CreateHttpClient();
        _locations = new ModelLocations(options.CacheDir, options.SearchPaths, options.HfEndpoint);
        _digests = new DigestCache(_locations.CacheDir, _logger);
        _downloader = new ModelDownloader(_http, options, time ?? TimeProvider.System, _logger);
        // Its own client, so no pooled connection that another download opened to a private address is reused.
        _publicHttp = http is null ? CreateHttpClient(ConnectToPublicAddressAsync) : null;
        _publicDownloader = new ModelDownloader(_publicHttp ?? _http, options, time ?? TimeProvider.System, _logger);
    }

    public ModelStoreOptions Options { get; }

    /// <summary>Tests look inside to check that verification results are remembered.</summary>
    internal DigestCache Digests => _digests;

    /// <summary>
    /// Finds (or downloads) the file of <paramref name="modelRef"/> and verifies it when its digest is
    /// known: <paramref name="expectedSha256"/> when given (a catalog entry's digest), else the configured
    /// known digest of the ref.
    /// </summary>
    /// <exception cref="ModelStoreException">The file is missing, wrong, or cannot be downloaded; the
    /// message says where it was looked for and what to do.</exception>
    /// <param name="publicAddressesOnly">A download may connect only to public addresses: not loopback, private,
    /// link-local, multicast, unspecified, reserved or cloud metadata ones (the classes the fetch tool refuses), at
    /// every hop of its redirects. For refs a client chose, so that it cannot make orchestratord reach the local
    /// network. A file already in a search path or the cache is used as it is.</param>
    /// <exception cref="ArgumentException">A <c>sim:</c> ref (there is no file), or an invalid digest.</exception>
    public Task<ResolvedModel> ResolveAsync(
        ModelRef modelRef,
        IProgress<ModelDownloadProgress>? progress = null,
        string? expectedSha256 = null,
        CancellationToken cancellationToken = default,
        bool publicAddressesOnly = false)
    {
        ArgumentNullException.ThrowIfNull(modelRef);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (modelRef.IsSynthetic)
            throw new ArgumentException($"'{modelRef}' is the synthetic model: it has no file to resolve.", nameof(modelRef));

        string? expected = null;
        if (expectedSha256 is not null && !Sha256Hex.TryNormalize(expectedSha256, out expected))
            throw new ArgumentException($"'{expectedSha256}' is not a sha256 digest (64 hex characters)", nameof(expectedSha256));
        expected ??= _knownDigests.GetValueOrDefault(modelRef);

        return modelRef.Kind == ModelRefKind.File
            ? ResolveLocalAsync(modelRef, expected, cancellationToken)
            : ResolveRemoteAsync(modelRef, expected, progress, publicAddressesOnly ? _publicDownloader : _downloader, cancellationToken);
    }

    /// <summary>The sha256 of a file, remembered per path, size and mtime (hashed once, not per start).</summary>
    public Task<string> GetSha256Async(string path, CancellationToken cancellationToken = default) =>
        _digests.GetSha256Async(Path.GetFullPath(path), cancellationToken);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        _lifetime.Cancel();
        if (_ownsHttp) _http.Dispose();
        _publicHttp?.Dispose();
    }

    private async Task<ResolvedModel> ResolveLocalAsync(ModelRef modelRef, string? expected, CancellationToken cancellationToken)
    {
        var path = modelRef.LocalPath!;
        var source = ModelSource.LocalFile;
        if (!File.Exists(path))
        {
            // A bare relative name ("stories260K.gguf", "tiny/model.gguf") may also live under a search path.
            var found = _locations.SearchCandidates(modelRef).FirstOrDefault(File.Exists);
            if (found is null)
            {
                var searched = modelRef.RelativePath is not null && _locations.SearchPaths.Count > 0
                    ? $", nor as '{modelRef.RelativePath}' under the search paths ({string.Join(", ", _locations.SearchPaths)})"
                    : "";
                throw new ModelStoreException(ModelStoreErrorKind.NotFound, $"Model file {modelRef.LocalPath} does not exist{searched}.");
            }
            path = found;
            source = ModelSource.SearchPath;
        }
        return await VerifiedAsync(modelRef, path, source, expected, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ResolvedModel> ResolveRemoteAsync(
        ModelRef modelRef,
        string? expected,
        IProgress<ModelDownloadProgress>? progress,
        ModelDownloader downloader,
        CancellationToken cancellationToken)
    {
        if (_locations.FindExisting(modelRef) is { } found)
            return await VerifiedAsync(modelRef, found.Path, found.Source, expected, cancellationToken).ConfigureAwait(false);

        if (Options.Offline)
        {
            throw new ModelStoreException(ModelStoreErrorKind.Unavailable,
                $"Model {modelRef} is not on this machine and the model store is offline (Orchestrator:Models:Offline). {_locations.WhereToPut(modelRef)}");
        }

        // No await before the join: concurrent resolves that found nothing join the same download.
        var target = _locations.CachePath(modelRef);
        var shared = Join(modelRef, target, expected, progress, downloader);
        DownloadedFile file;
        try
        {
            file = await shared.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate) shared.Leave(progress);
        }

        // A waiter that joined a download started for another digest (or none) checks its own.
        if (expected is not null && file.Sha256 != expected)
        {
            throw new ModelStoreException(ModelStoreErrorKind.DigestMismatch,
                $"{file.Path} (downloaded for {modelRef}) has sha256 {file.Sha256}, but {expected} was expected.");
        }
        return new ResolvedModel(modelRef, file.Path, ModelSource.Downloaded, file.SizeBytes, file.Sha256);
    }

    /// <param name="downloader">Starts the download when none runs; one that runs is joined whoever started it (the
    /// same URL, so the same host).</param>
    private SharedDownload Join(ModelRef modelRef, string target, string? expected, IProgress<ModelDownloadProgress>? progress, ModelDownloader downloader)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // A finished download is not joined: if it failed, this resolve must try again (and resume).
            if (!_downloads.TryGetValue(target, out var shared) || shared.Abandoned || shared.Completion.IsCompleted)
            {
                var predecessor = shared?.Completion;
                var url = _locations.DownloadUrl(modelRef);
                var started = new SharedDownload(
                    (listener, token) => DownloadAsync(modelRef, url, target, expected, listener, downloader, token),
                    predecessor,
                    _lifetime.Token);
                _downloads[target] = started;
                _ = started.Completion.ContinueWith(
                    done =>
                    {
                        lock (_gate)
                        {
                            if (_downloads.TryGetValue(target, out var current) && current == started) _downloads.Remove(target);
                        }
                        // Observed here: when every waiter has left, nobody else awaits the failure.
                        _ = done.Exception;
                    },
                    CancellationToken.None,
                    TaskContinuationOptions.None,
                    TaskScheduler.Default);
                shared = started;
            }
            shared.Join(progress);
            return shared;
        }
    }

    private async Task<DownloadedFile> DownloadAsync(
        ModelRef modelRef,
        Uri url,
        string target,
        string? expected,
        IProgress<ModelDownloadProgress> progress,
        ModelDownloader downloader,
        CancellationToken cancellationToken)
    {
        // A download that finished between this resolve's lookup and its join already put the file in place.
        if (File.Exists(target))
        {
            var sha256 = await _digests.GetSha256Async(target, cancellationToken).ConfigureAwait(false);
            return new DownloadedFile(target, new FileInfo(target).Length, sha256);
        }

        var file = await downloader.DownloadAsync(modelRef, url, target, expected, _locations.WhereToPut(modelRef), progress, cancellationToken)
            .ConfigureAwait(false);
        _digests.Remember(file.Path, file.Sha256);
        return file;
    }

    private async Task<ResolvedModel> VerifiedAsync(ModelRef modelRef, string path, ModelSource source, string? expected, CancellationToken cancellationToken)
    {
        string? sha256;
        try
        {
            if (expected is null)
            {
                sha256 = _digests.TryGet(path);
            }
            else
            {
                sha256 = await _digests.GetSha256Async(path, cancellationToken).ConfigureAwait(false);
                if (sha256 != expected)
                {
                    throw new ModelStoreException(ModelStoreErrorKind.DigestMismatch,
                        $"{path} (found for {modelRef} in the {Describe(source)}) has sha256 {sha256}, but {expected} was expected. " +
                        "Replace the file with the right one or remove it.");
                }
            }
            var size = new FileInfo(path).Length;
            _logger.LogInformation("Model {ModelRef} is {Path} ({Source}{Verified})", modelRef, path, Describe(source), expected is null ? "" : ", sha256 verified");
            return new ResolvedModel(modelRef, path, source, size, sha256);
        }
        catch (FileNotFoundException e)
        {
            throw new ModelStoreException(ModelStoreErrorKind.NotFound, $"Model file {path} for {modelRef} disappeared while it was being read.", e);
        }
    }

    private static string Describe(ModelSource source) => source switch
    {
        ModelSource.LocalFile => "given path",
        ModelSource.SearchPath => "search paths",
        ModelSource.Cache => "model cache",
        _ => "download",
    };

    private static void Validate(ModelStoreOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CacheDir))
            throw new ArgumentException("ModelStoreOptions.CacheDir is empty", nameof(options));
        if (options.SearchPaths is null)
            throw new ArgumentException("ModelStoreOptions.SearchPaths is null", nameof(options));
        if (options.HfEndpoint is not { IsAbsoluteUri: true } endpoint || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
            throw new ArgumentException($"ModelStoreOptions.HfEndpoint '{options.HfEndpoint}' must be an absolute http(s) URL", nameof(options));
        if (options.StallTimeout <= TimeSpan.Zero && options.StallTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentException("ModelStoreOptions.StallTimeout must be positive", nameof(options));
        foreach (var (text, digest) in options.KnownDigests ?? throw new ArgumentException("ModelStoreOptions.KnownDigests is null", nameof(options)))
        {
            if (!ModelRef.TryParse(text, out var modelRef, out var error))
                throw new ArgumentException($"ModelStoreOptions.KnownDigests: {error}", nameof(options));
            if (modelRef.IsSynthetic)
                throw new ArgumentException($"ModelStoreOptions.KnownDigests: '{text}' is synthetic and has no file to verify", nameof(options));
            if (!Sha256Hex.TryNormalize(digest, out _))
                throw new ArgumentException($"ModelStoreOptions.KnownDigests['{text}']: '{digest}' is not a sha256 digest (64 hex characters)", nameof(options));
        }
    }

    private static HttpClient CreateHttpClient(Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connect = null)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = connect,
            // Byte ranges address the file itself, so the body must not be re-encoded on the way.
            AutomaticDecompression = DecompressionMethods.None,
            // The hub answers resolve/main with a redirect to its CDN.
            AllowAutoRedirect = true,
            MaxAutomaticRedirections = 10,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            // CDN addresses change; long-lived pooled connections would pin an old one.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler)
        {
            // A large model takes as long as it takes; the stall timeout catches a dead transfer instead.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var version = typeof(ModelStore).Assembly.GetName().Version?.ToString(3) ?? "0";
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("llama-orch", version));
        return client;
    }

    /// <summary>
    /// Resolves the host once, refuses unless every address it has is public, and connects to one of those: what was
    /// checked is what is reached, so a name that re-resolves elsewhere (DNS rebinding) gains nothing. Runs for every
    /// new connection, redirects included.
    /// </summary>
    private static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellation)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IpSpelling.Parse(host) is { } literal
            ? [literal]
            : (await Dns.GetHostAddressesAsync(host, cancellation).ConfigureAwait(false)).Select(IpSpelling.Unmap).Distinct().ToArray();
        if (addresses.Length == 0) throw new HttpRequestException($"'{host}' resolves to no address");
        foreach (var address in addresses)
        {
            if (AddressClassifier.Classify(address) is var kind and not AddressClass.Public)
            {
                throw new HttpRequestException(
                    $"'{host}' is a {kind.ToString().ToLowerInvariant()} address or resolves to one, and a catalog model's URL may reach only public " +
                    "addresses (an operator allows a local mirror with Orchestrator:Catalog:AllowPrivateSourceHosts)");
            }
        }
        var chosen = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0];
        var socket = new Socket(chosen.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(new IPEndPoint(chosen, context.DnsEndPoint.Port), cancellation).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
