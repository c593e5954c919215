using LlamaOrch.Testing;
using LlamaOrch.Engines.Catalog;
using LlamaOrch.Engines.Models;
using LlamaOrch.Engines.Tests.Models;

namespace LlamaOrch.Engines.Tests.Catalog;

/// <summary>Which files a catalog entry may point at, on a real file system with real symlinks.</summary>
public sealed class ModelFileRuleTests : IDisposable
{
    private const string OutsideRoots = "is not under the model roots";

    private readonly TempDirectory _temp = new();
    private readonly string _model;
    private readonly string _outsideGguf;
    private readonly ModelFileRule _rule;

    public ModelFileRuleTests()
    {
        _model = _temp.Write(TestModels.FakeGguf(1024), "allowed", "model.gguf");
        _temp.Write(TestModels.FakeGguf(1024), "search", "in-search.gguf");
        _temp.Write("not a model"u8.ToArray(), "allowed", "notes.gguf");
        _outsideGguf = _temp.Write(TestModels.FakeGguf(1024), "elsewhere", "secret.gguf");
        _rule = new ModelFileRule(new ModelStoreOptions { CacheDir = _temp.Combine("cache"), SearchPaths = [_temp.Combine("search")] }, [_temp.Combine("allowed")]);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_gguf_file_under_an_allowed_root_or_a_search_path_passes()
    {
        Assert.Null(_rule.Problem("file:" + _model));
        Assert.Null(_rule.Problem(_model));
        Assert.Null(_rule.FileProblem(_temp.Combine("search", "in-search.gguf")));
    }

    [Fact]
    public void A_relative_name_found_under_a_search_path_passes_as_the_model_store_would_find_it()
    {
        Assert.Null(_rule.Problem("in-search.gguf"));
    }

    [Theory]
    [InlineData("file:/etc/passwd")]
    [InlineData("/etc/shadow")]
    [InlineData("file:/etc/no-such-file")]
    public void A_file_outside_the_roots_is_refused_the_same_way_whether_it_exists_or_not(string modelRef)
    {
        var problem = _rule.Problem(modelRef);

        Assert.NotNull(problem);
        Assert.Contains(OutsideRoots, problem, StringComparison.Ordinal);
        Assert.Contains("Orchestrator:Catalog:AllowedRoots", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Dot_dot_is_resolved_before_the_check()
    {
        Assert.Contains(OutsideRoots, _rule.Problem("file:" + _temp.Combine("allowed", "..", "elsewhere", "secret.gguf")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_under_a_root_that_leads_outside_is_refused_and_one_that_stays_inside_passes()
    {
        var escaping = _temp.Combine("allowed", "escape.gguf");
        File.CreateSymbolicLink(escaping, _outsideGguf);
        var folderLink = _temp.Combine("allowed", "linked-folder");
        Directory.CreateSymbolicLink(folderLink, _temp.Combine("elsewhere"));
        var staying = _temp.Combine("allowed", "alias.gguf");
        File.CreateSymbolicLink(staying, "model.gguf");

        Assert.Contains(OutsideRoots, _rule.Problem("file:" + escaping), StringComparison.Ordinal);
        Assert.Contains(OutsideRoots, _rule.Problem("file:" + Path.Combine(folderLink, "secret.gguf")), StringComparison.Ordinal);
        Assert.Contains(OutsideRoots, _rule.FileProblem(escaping), StringComparison.Ordinal);
        Assert.Null(_rule.Problem("file:" + staying));
    }

    [Fact]
    public void A_root_that_is_itself_a_symlink_is_followed()
    {
        var linkedRoot = _temp.Combine("linked-root");
        Directory.CreateSymbolicLink(linkedRoot, _temp.Combine("allowed"));
        var rule = new ModelFileRule(new ModelStoreOptions { CacheDir = _temp.Combine("cache") }, [linkedRoot]);

        Assert.Null(rule.Problem("file:" + Path.Combine(linkedRoot, "model.gguf")));
        Assert.Null(rule.Problem("file:" + _model));
    }

    [Fact]
    public void A_file_under_a_root_that_is_not_gguf_or_is_missing_is_refused_saying_so()
    {
        Assert.Contains("is not a GGUF file", _rule.Problem("file:" + _temp.Combine("allowed", "notes.gguf")), StringComparison.Ordinal);
        Assert.Contains("does not exist", _rule.Problem("file:" + _temp.Combine("allowed", "gone.gguf")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("hf:ggml-org/models/tinyllamas/stories260K.gguf")]
    [InlineData("https://example.org/models/m.gguf")]
    [InlineData("sim:fast")]
    [InlineData("qwen:7b")]
    public void Refs_that_name_no_local_file_pass_registration(string modelRef)
    {
        Assert.Null(_rule.Problem(modelRef));
    }
}
