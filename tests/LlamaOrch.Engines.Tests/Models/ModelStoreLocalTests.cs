using LlamaOrch.Testing;
using LlamaOrch.Engines.Models;

namespace LlamaOrch.Engines.Tests.Models;

/// <summary>Resolution without a network: local refs, search paths, the cache, verification, offline.</summary>
public sealed class ModelStoreLocalTests : IDisposable
{
    private const string WrongDigest = "0000000000000000000000000000000000000000000000000000000000000000";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private ModelStoreOptions Options(params string[] searchPaths) => new()
    {
        CacheDir = _temp.Combine("cache"),
        SearchPaths = searchPaths,
        Offline = true,
    };

    [Fact]
    public async Task Finds_the_shared_test_model_through_a_search_path_by_its_hf_ref_and_verifies_its_known_digest()
    {
        using var store = new ModelStore(Options(TestModels.SharedModelsDir));

        var model = await store.ResolveAsync(ModelRef.Parse(ModelStoreOptions.DefaultModelRef));

        Assert.Equal(TestModels.Stories260KPath, model.Path);
        Assert.Equal(ModelSource.SearchPath, model.Source);
        Assert.Equal(TestModels.Stories260KSize, model.SizeBytes);
        Assert.Equal(ModelStoreOptions.DefaultModelSha256, model.Sha256);
        Assert.Equal(1, store.Digests.HashesComputed);
    }

    [Fact]
    public async Task A_verification_is_remembered_across_stores_until_the_file_changes()
    {
        var copy = _temp.Write(File.ReadAllBytes(TestModels.Stories260KPath), "models", "stories260K.gguf");
        var modelRef = ModelRef.Parse(ModelStoreOptions.DefaultModelRef);
        using (var first = new ModelStore(Options(_temp.Combine("models"))))
        {
            await first.ResolveAsync(modelRef);
            await first.ResolveAsync(modelRef);
            Assert.Equal(1, first.Digests.HashesComputed);
        }

        using (var restarted = new ModelStore(Options(_temp.Combine("models"))))
        {
            var model = await restarted.ResolveAsync(modelRef);
            Assert.Equal(ModelStoreOptions.DefaultModelSha256, model.Sha256);
            Assert.Equal(0, restarted.Digests.HashesComputed);
        }

        // Same size, new content and mtime: hashed again, and now wrong.
        var bytes = File.ReadAllBytes(copy);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(copy, bytes);
        File.SetLastWriteTimeUtc(copy, DateTime.UtcNow.AddMinutes(1));
        using var changed = new ModelStore(Options(_temp.Combine("models")));
        var error = await Assert.ThrowsAsync<ModelStoreException>(() => changed.ResolveAsync(modelRef));
        Assert.Equal(ModelStoreErrorKind.DigestMismatch, error.Kind);
        Assert.Equal(1, changed.Digests.HashesComputed);
    }

    [Fact]
    public async Task A_file_whose_digest_differs_from_the_known_one_is_an_error_naming_the_file_and_both_digests()
    {
        var options = Options(TestModels.SharedModelsDir) with
        {
            KnownDigests = new Dictionary<string, string> { [ModelStoreOptions.DefaultModelRef] = "sha256:" + WrongDigest },
        };
        using var store = new ModelStore(options);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(ModelRef.Parse(ModelStoreOptions.DefaultModelRef)));

        Assert.Equal(ModelStoreErrorKind.DigestMismatch, error.Kind);
        Assert.False(error.Retriable);
        Assert.Contains(TestModels.Stories260KPath, error.Message);
        Assert.Contains(ModelStoreOptions.DefaultModelSha256, error.Message);
        Assert.Contains(WrongDigest, error.Message);
    }

    [Fact]
    public async Task An_explicit_expected_digest_overrides_the_known_one()
    {
        using var store = new ModelStore(Options(TestModels.SharedModelsDir));
        var modelRef = ModelRef.Parse(ModelStoreOptions.DefaultModelRef);

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(modelRef, expectedSha256: WrongDigest));
        var model = await store.ResolveAsync(modelRef, expectedSha256: ModelStoreOptions.DefaultModelSha256.ToUpperInvariant());

        Assert.Equal(ModelStoreErrorKind.DigestMismatch, error.Kind);
        Assert.Equal(ModelStoreOptions.DefaultModelSha256, model.Sha256);
        Assert.Throws<ArgumentException>(() => { _ = store.ResolveAsync(modelRef, expectedSha256: "abc"); });
    }

    [Fact]
    public async Task The_org_repo_path_layout_wins_over_the_bare_file_name_and_search_paths_go_in_order()
    {
        var first = _temp.Combine("first");
        var second = _temp.Combine("second");
        Directory.CreateDirectory(first);
        _temp.Write(TestModels.FakeGguf(100), "second", "model.gguf");
        var layout = _temp.Write(TestModels.FakeGguf(200), "second", "org", "repo", "sub", "model.gguf");
        var bare = _temp.Write(TestModels.FakeGguf(300), "third", "model.gguf");
        using var store = new ModelStore(Options(first, second, _temp.Combine("third")));

        var byLayout = await store.ResolveAsync(ModelRef.Parse("hf:org/repo/sub/model.gguf"));
        var byName = await store.ResolveAsync(ModelRef.Parse("https://example.com/x/model.gguf"));
        File.Delete(_temp.Combine("second", "model.gguf"));
        var later = await store.ResolveAsync(ModelRef.Parse("https://example.com/x/model.gguf"));

        Assert.Equal(layout, byLayout.Path);
        Assert.Equal(ModelSource.SearchPath, byLayout.Source);
        Assert.Null(byLayout.Sha256);
        Assert.Equal(_temp.Combine("second", "model.gguf"), byName.Path);
        Assert.Equal(bare, later.Path);
    }

    [Fact]
    public async Task Cached_files_are_found_after_the_search_paths()
    {
        var hfCached = _temp.Write(TestModels.FakeGguf(100), "cache", "hf", "org", "repo", "dir", "m.gguf");
        var url = "https://example.com/files/m.gguf";
        var urlCached = _temp.Write(TestModels.FakeGguf(100), "cache", "url", TestModels.Sha256Of(System.Text.Encoding.UTF8.GetBytes(url)), "m.gguf");
        using var store = new ModelStore(Options(_temp.Combine("search")));

        var fromHf = await store.ResolveAsync(ModelRef.Parse("hf:org/repo/dir/m.gguf"));
        var fromUrl = await store.ResolveAsync(ModelRef.Parse(url));
        var shadow = _temp.Write(TestModels.FakeGguf(50), "search", "m.gguf");
        var shadowed = await store.ResolveAsync(ModelRef.Parse("hf:org/repo/dir/m.gguf"));

        Assert.Equal((hfCached, ModelSource.Cache), (fromHf.Path, fromHf.Source));
        Assert.Equal((urlCached, ModelSource.Cache), (fromUrl.Path, fromUrl.Source));
        Assert.Equal((shadow, ModelSource.SearchPath), (shadowed.Path, shadowed.Source));
    }

    [Fact]
    public async Task Local_refs_resolve_where_they_point_and_bare_relative_names_also_under_the_search_paths()
    {
        using var store = new ModelStore(Options(TestModels.SharedModelsDir));

        var byFileRef = await store.ResolveAsync(ModelRef.Parse("file:" + TestModels.Stories260KPath));
        var byPath = await store.ResolveAsync(ModelRef.Parse(TestModels.Stories260KPath));
        var byRelative = await store.ResolveAsync(ModelRef.Parse("stories260K.gguf", _temp.Path));

        Assert.Equal((TestModels.Stories260KPath, ModelSource.LocalFile), (byFileRef.Path, byFileRef.Source));
        Assert.Equal((TestModels.Stories260KPath, ModelSource.LocalFile), (byPath.Path, byPath.Source));
        Assert.Equal((TestModels.Stories260KPath, ModelSource.SearchPath), (byRelative.Path, byRelative.Source));
        Assert.Equal(TestModels.Stories260KSize, byPath.SizeBytes);
    }

    [Fact]
    public async Task A_missing_local_file_is_not_found_with_its_path()
    {
        using var store = new ModelStore(Options(_temp.Combine("search")));

        var absolute = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(ModelRef.Parse(_temp.Combine("nope.gguf"))));
        var relative = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(ModelRef.Parse("nope.gguf", _temp.Path)));

        Assert.Equal(ModelStoreErrorKind.NotFound, absolute.Kind);
        Assert.Contains(_temp.Combine("nope.gguf"), absolute.Message);
        Assert.Contains(_temp.Combine("search"), relative.Message);
    }

    [Fact]
    public async Task Offline_a_missing_model_is_an_error_that_says_where_to_put_it()
    {
        var search = _temp.Combine("search");
        Directory.CreateDirectory(search);
        var missing = _temp.Combine("not-there");
        using var store = new ModelStore(Options(search, missing));

        var error = await Assert.ThrowsAsync<ModelStoreException>(() => store.ResolveAsync(ModelRef.Parse("hf:org/repo/dir/m.gguf")));
        using var unconfigured = new ModelStore(Options());
        var none = await Assert.ThrowsAsync<ModelStoreException>(() => unconfigured.ResolveAsync(ModelRef.Parse("hf:org/repo/dir/m.gguf")));

        Assert.Equal(ModelStoreErrorKind.Unavailable, error.Kind);
        Assert.Contains("offline", error.Message);
        Assert.Contains(_temp.Combine("cache", "hf", "org", "repo", "dir", "m.gguf"), error.Message);
        Assert.Contains(search, error.Message);
        Assert.Contains(missing + " (missing)", error.Message);
        Assert.Contains("'m.gguf' or 'org/repo/dir/m.gguf'", error.Message);
        Assert.Contains("https://huggingface.co/org/repo/resolve/main/dir/m.gguf", error.Message);
        Assert.Contains("Orchestrator:Models:SearchPaths", none.Message);
    }

    [Fact]
    public void A_sim_ref_has_no_file()
    {
        using var store = new ModelStore(Options());

        var error = Assert.Throws<ArgumentException>(() => { _ = store.ResolveAsync(ModelRef.Parse("sim:fast")); });

        Assert.Contains("synthetic", error.Message);
    }

    [Theory]
    [InlineData("hf:org/repo/a.gguf", "abc", "is not a sha256 digest")]
    [InlineData("hf:org/repo", WrongDigest, "missing a file path")]
    [InlineData("sim:x", WrongDigest, "synthetic")]
    public void Invalid_known_digests_are_rejected_when_the_store_is_made(string modelRef, string digest, string reason)
    {
        var options = Options() with { KnownDigests = new Dictionary<string, string> { [modelRef] = digest } };

        var error = Assert.Throws<ArgumentException>(() => new ModelStore(options));

        Assert.Contains("KnownDigests", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void The_default_cache_is_under_XDG_CACHE_HOME_or_the_home_cache()
    {
        Assert.Equal("/xdg/llama-orch/models", ModelStoreOptions.DefaultCacheDir(_ => "/xdg", "/home/u"));
        Assert.Equal("/home/u/.cache/llama-orch/models", ModelStoreOptions.DefaultCacheDir(_ => null, "/home/u"));
        Assert.Equal("/home/u/.cache/llama-orch/models", ModelStoreOptions.DefaultCacheDir(_ => "relative", "/home/u"));
        Assert.Equal(ModelStoreOptions.DefaultModelSha256, new ModelStoreOptions().KnownDigests[ModelStoreOptions.DefaultModelRef]);
    }
}
