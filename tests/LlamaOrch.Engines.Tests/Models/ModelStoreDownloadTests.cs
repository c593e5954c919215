using LlamaOrch.Testing;
using System.Net;
using System.Net.Sockets;
using LlamaOrch.Engines.Models;
using LlamaOrch.Engines.Supervision;
using Microsoft.Extensions.Time.Testing;

namespace LlamaOrch.Engines.Tests.Models;

/// <summary>Downloads from a real loopback Kestrel server: full, resumed, interrupted, refused, wrong.</summary>
public sealed class ModelStoreDownloadTests : IAsyncLifetime
{
    private const string Ref = "hf:test-org/test-repo/dir/model.gguf";
    private const string ServedPath = "/test-org/test-repo/resolve/main/dir/model.gguf";
    private const int Size = 3 * 1024 * 1024 + 12_345;
    private const int PartialSize = 1024 * 1024;

    private readonly TempDirectory _temp = new();
    private readonly byte[] _content = TestModels.FakeGguf(Size);
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false });
    private LoopbackModelServer _server = null!;

    private string Sha256 => TestModels.Sha256Of(_content);

    private string Target => _temp.Combine("cache", "hf", "test-org", "test-repo", "dir", "model.gguf");

    public async Task InitializeAsync()
    {
        _server = await LoopbackModelServer.StartAsync();
        _server.Serve(ServedPath, _content);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        _temp.Dispose();
    }

    private ModelStore Store(string? knownDigest = null, bool withDigest = true, TimeSpan? stallTimeout = null, Uri? endpoint = null, TimeProvider? time = null) => new(
        new ModelStoreOptions
        {
            CacheDir = _temp.Combine("cache"),
            SearchPaths = [_temp.Combine("search")],
            HfEndpoint = endpoint ?? _server.BaseAddress,
            KnownDigests = withDigest ? new Dictionary<string, string> { [Ref] = knownDigest ?? Sha256 } : new Dictionary<string, string>(),
            StallTimeout = stallTimeout ?? TimeSpan.FromSeconds(60),
            ProgressInterval = TimeSpan.Zero,
        },
        _http,
        time: time);

    /// <summary>
    /// Moves the fake clock a stall timeout at a time until the download gives up: its timer may not be armed yet
    /// when the test first advances, and a timer armed later counts from the clock's time then.
    /// </summary>
    private static async Task<ModelStoreException> GivesUpAsync(Task download, FakeTimeProvider clock, TimeSpan stallTimeout)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!download.IsCompleted)
        {
            clock.Advance(stallTimeout);
            await Task.Delay(10, patience.Token);
        }
        return await Assert.ThrowsAsync<ModelStoreException>(() => download);
    }

    private void WritePartial(byte[] content) => _temp.Write(content, "cache", "hf", "test-org", "test-repo", "dir", "model.gguf.partial");

    [Fact]
    public async Task Downloads_into_the_cache_with_progress_and_verifies_the_known_digest()
    {
        using var store = Store();
        var progress = new RecordingProgress();

        var model = await store.ResolveAsync(ModelRef.Parse(Ref), progress);

        Assert.Equal((Target, ModelSource.Downloaded, (long)Size, Sha256), (model.Path, model.Source, model.SizeBytes, model.Sha256));
        Assert.Equal(_content, await File.ReadAllBytesAsync(Target));
        Assert.False(File.Exists(Target + ".partial"));
        var request = Assert.Single(_server.Requests);
        Assert.Equal(ServedPath, request.Path);
        Assert.Null(request.Range);

        var reports = progress.Reports;
        Assert.True(reports.Count >= 2);
        Assert.All(reports, r => Assert.Equal((Ref, (long?)Size), (r.ModelRef, r.TotalBytes)));
        Assert.Equal(0, reports[0].BytesReceived);
        Assert.Equal(Size, reports[^1].BytesReceived);
        Assert.Equal(1.0, reports[^1].Fraction);
        Assert.Equal(reports.Select(r => r.BytesReceived).Order(), reports.Select(r => r.BytesReceived));
        Assert.All(reports, r => Assert.True(r.BytesPerSecond >= 0));

        // Next time it is a cache hit, its digest remembered from the download rather than re-hashed.
        var again = await store.ResolveAsync(ModelRef.Parse(Ref));
        Assert.Equal((Target, ModelSource.Cache, Sha256), (again.Path, again.Source, again.Sha256));
        Assert.Single(_server.Requests);
        Assert.Equal(0, store.Digests.HashesComputed);
    }

    [Fact]
    public async Task Resumes_a_partial_download_with_a_range_request()
    {
        WritePartial(_content[..PartialSize]);
        using var store = Store();
        var progress = new RecordingProgress();

        var model = await store.ResolveAsync(ModelRef.Parse(Ref), progress);

        var request = Assert.Single(_server.Requests);
        Assert.Equal($"bytes={PartialSize}-", request.Range);
        Assert.Equal(Sha256, model.Sha256);
        Assert.Equal(Sha256, TestModels.Sha256Of(Target));
        Assert.Equal(PartialSize, progress.Reports[0].BytesReceived);
        Assert.Equal(Size, progress.Reports[^1].BytesReceived);
    }

    [Fact]
    public async Task Restarts_from_the_beginning_when_the_server_ignores_the_range()
    {
        WritePartial(new byte[PartialSize]); // not the file's beginning: appending to it would corrupt the file
        _server.IgnoreRange = true;
        using var store = Store(withDigest: false);

        var model = await store.ResolveAsync(ModelRef.Parse(Ref));

        Assert.Equal($"bytes={PartialSize}-", Assert.Single(_server.Requests).Range);
        Assert.Equal(Sha256, model.Sha256);
        Assert.Equal(_content, await File.ReadAllBytesAsync(Target));
    }

    [Fact]
    public async Task Restarts_when_the_file_changed_upstream_since_the_partial_download()
    {
        WritePartial(new byte[PartialSize]);
        _temp.Write("\"v0\""u8.ToArray(), "cache", "hf", "test-org", "test-repo", "dir", "model.gguf.partial.etag");
        using var store = Store();

        var model = await store.ResolveAsync(ModelRef.Parse(Ref));

        var request = Assert.Single(_server.Requests);
        Assert.Equal(("\"v0\"", $"bytes={PartialSize}-"), (request.IfRange, request.Range));
        Assert.Equal(Sha256, model.Sha256);
        Assert.False(File.Exists(Target + ".partial.etag"));
    }

    [Fact]
    public async Task Keeps_the_partial_file_when_the_connection_drops_and_the_next_resolve_resumes_it()
    {
        const long dropAfter = PartialSize + 7;
        var clientHasTheBytes = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.DropOnceAfter(dropAfter, clientHasTheBytes.Task);
        using var store = Store();
        var progress = new RecordingProgress(p =>
        {
            if (p.BytesReceived >= dropAfter) clientHasTheBytes.TrySetResult();
        });

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(ModelRef.Parse(Ref), progress));

        Assert.Equal(ModelStoreErrorKind.DownloadFailed, error.Kind);
        Assert.True(error.Retriable);
        Assert.Contains("interrupted", error.Message);
        Assert.Contains(Target + ".partial", error.Message);
        Assert.False(File.Exists(Target));
        Assert.Equal(dropAfter, new FileInfo(Target + ".partial").Length);

        var model = await store.ResolveAsync(ModelRef.Parse(Ref));

        Assert.Equal(2, _server.Requests.Count);
        var resumed = _server.Requests.Last();
        Assert.Equal($"bytes={dropAfter}-", resumed.Range);
        Assert.Equal(LoopbackModelServer.ETag, resumed.IfRange);
        Assert.Equal(Sha256, model.Sha256);
        Assert.Equal(_content, await File.ReadAllBytesAsync(Target));
        Assert.False(File.Exists(Target + ".partial"));
    }

    [Fact]
    public async Task A_404_is_a_not_found_error_with_the_url()
    {
        using var store = Store();

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(ModelRef.Parse("hf:test-org/test-repo/missing.gguf")));

        Assert.Equal(ModelStoreErrorKind.NotFound, error.Kind);
        Assert.Contains("404", error.Message);
        Assert.Contains(new Uri(_server.BaseAddress, "/test-org/test-repo/resolve/main/missing.gguf").ToString(), error.Message);
        Assert.Empty(Directory.GetFiles(_temp.Combine("cache", "hf", "test-org", "test-repo")));
    }

    [Fact]
    public async Task A_download_with_the_wrong_digest_is_deleted_and_never_appears_under_the_final_name()
    {
        const string expected = "1111111111111111111111111111111111111111111111111111111111111111";
        using var store = Store(knownDigest: expected);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(ModelRef.Parse(Ref)));

        Assert.Equal(ModelStoreErrorKind.DigestMismatch, error.Kind);
        Assert.Contains(expected, error.Message);
        Assert.Contains(Sha256, error.Message);
        Assert.False(File.Exists(Target));
        Assert.False(File.Exists(Target + ".partial"));
    }

    [Fact]
    public async Task A_download_for_public_addresses_only_never_connects_to_a_loopback_server()
    {
        // The store's own client: an injected one is trusted to connect where it will.
        using var store = new ModelStore(new ModelStoreOptions { CacheDir = _temp.Combine("cache"), KnownDigests = new Dictionary<string, string>() });
        var url = ModelRef.Parse(new Uri(_server.BaseAddress, ServedPath).ToString());

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(url, publicAddressesOnly: true));

        Assert.Contains("loopback", error.Message);
        Assert.Contains("Orchestrator:Catalog:AllowPrivateSourceHosts", error.Message);
        Assert.Empty(_server.Requests);
        // Without the restriction the same store reaches it.
        Assert.Equal(ModelSource.Downloaded, (await store.ResolveAsync(url)).Source);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task A_body_that_is_not_gguf_is_rejected_and_deleted()
    {
        _server.Serve("/test-org/test-repo/resolve/main/page.gguf", "<!DOCTYPE html><html>sign in</html>"u8.ToArray());
        using var store = Store();

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(ModelRef.Parse("hf:test-org/test-repo/page.gguf")));

        Assert.Equal(ModelStoreErrorKind.DownloadFailed, error.Kind);
        Assert.Contains("does not start with 'GGUF'", error.Message);
        // The body is not quoted: the message reaches clients, who may not be able to read that server themselves.
        Assert.DoesNotContain("<!DO", error.Message);
        Assert.Empty(Directory.GetFiles(_temp.Combine("cache", "hf", "test-org", "test-repo")));
    }

    [Fact]
    public async Task Two_concurrent_resolves_share_one_download()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.BodyGate = release.Task;
        using var store = Store();
        var progressA = new RecordingProgress();
        var progressB = new RecordingProgress();

        var a = store.ResolveAsync(ModelRef.Parse(Ref), progressA);
        var b = store.ResolveAsync(ModelRef.Parse(Ref), progressB);
        release.SetResult();
        var models = await Task.WhenAll(a, b);

        Assert.Single(_server.Requests);
        Assert.All(models, m => Assert.Equal((Target, ModelSource.Downloaded, Sha256), (m.Path, m.Source, m.Sha256)));
        Assert.Equal(Size, progressA.Reports[^1].BytesReceived);
        Assert.Equal(Size, progressB.Reports[^1].BytesReceived);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_does_not_cancel_the_download_for_the_others()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.BodyGate = release.Task;
        using var store = Store();
        using var impatient = new CancellationTokenSource();

        var a = store.ResolveAsync(ModelRef.Parse(Ref), cancellationToken: impatient.Token);
        var b = store.ResolveAsync(ModelRef.Parse(Ref));
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a);
        release.SetResult();
        var model = await b;

        Assert.Single(_server.Requests);
        Assert.Equal(Sha256, model.Sha256);
    }

    [Fact]
    public async Task An_https_style_url_ref_downloads_into_the_url_cache()
    {
        _server.Serve("/files/model.gguf", _content);
        var url = new Uri(_server.BaseAddress, "/files/model.gguf").ToString();
        using var store = Store();

        var model = await store.ResolveAsync(ModelRef.Parse(url));

        Assert.Equal(_temp.Combine("cache", "url", TestModels.Sha256Of(System.Text.Encoding.UTF8.GetBytes(url)), "model.gguf"), model.Path);
        Assert.Equal(Sha256, model.Sha256);
    }

    [Fact]
    public async Task A_body_that_stops_flowing_is_abandoned_after_the_stall_timeout()
    {
        _server.BodyGate = new TaskCompletionSource().Task; // never released
        var clock = new FakeTimeProvider();
        using var store = Store(stallTimeout: TimeSpan.FromSeconds(60), time: clock);
        var headers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The first progress report comes once the headers are in: from then on only the body can stall.
        var download = store.ResolveAsync(ModelRef.Parse(Ref), new RecordingProgress(_ => headers.TrySetResult()));
        await headers.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var error = await GivesUpAsync(download, clock, TimeSpan.FromSeconds(60));

        Assert.Equal(ModelStoreErrorKind.DownloadFailed, error.Kind);
        Assert.Contains("no data for 60 s", error.Message);
        Assert.False(File.Exists(Target));
    }

    [Fact]
    public async Task A_server_that_never_answers_is_unavailable_after_the_stall_timeout()
    {
        // Connections complete in the listen backlog; nothing ever reads the request or answers.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var clock = new FakeTimeProvider();
        using var store = Store(stallTimeout: TimeSpan.FromSeconds(60), endpoint: new Uri($"http://127.0.0.1:{port}"), time: clock);

        var error = await GivesUpAsync(store.ResolveAsync(ModelRef.Parse(Ref)), clock, TimeSpan.FromSeconds(60));

        Assert.Equal(ModelStoreErrorKind.Unavailable, error.Kind);
        Assert.Contains("no answer within 60 s", error.Message);
        Assert.Contains(Target, error.Message);
        Assert.False(File.Exists(Target + ".partial"));
    }

    [Fact]
    public async Task An_unreachable_server_is_an_error_that_says_where_to_put_the_file()
    {
        var closedPort = FreePort.Next();
        using var store = new ModelStore(
            new ModelStoreOptions
            {
                CacheDir = _temp.Combine("cache"),
                SearchPaths = [_temp.Combine("search")],
                HfEndpoint = new Uri($"http://127.0.0.1:{closedPort}"),
            },
            _http);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(ModelRef.Parse(Ref)));

        Assert.Equal(ModelStoreErrorKind.Unavailable, error.Kind);
        Assert.Contains(Target, error.Message);
        Assert.Contains(_temp.Combine("search"), error.Message);
        Assert.Contains($"http://127.0.0.1:{closedPort}{ServedPath}", error.Message);
    }
}
