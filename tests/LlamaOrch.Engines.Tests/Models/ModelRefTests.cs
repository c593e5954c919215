using LlamaOrch.Engines.Models;

namespace LlamaOrch.Engines.Tests.Models;

public sealed class ModelRefTests
{
    [Fact]
    public void An_hf_ref_has_org_repo_and_the_path_in_the_repo()
    {
        var modelRef = ModelRef.Parse("hf:ggml-org/models/tinyllamas/stories260K.gguf");

        Assert.Equal(ModelRefKind.HuggingFace, modelRef.Kind);
        Assert.Equal("ggml-org", modelRef.Org);
        Assert.Equal("models", modelRef.Repo);
        Assert.Equal("tinyllamas/stories260K.gguf", modelRef.RepoPath);
        Assert.Equal("stories260K.gguf", modelRef.FileName);
        Assert.Equal("hf:ggml-org/models/tinyllamas/stories260K.gguf", modelRef.ToString());
        Assert.False(modelRef.IsSynthetic);
    }

    [Fact]
    public void An_hf_ref_may_name_a_file_at_the_repo_root_and_any_scheme_case()
    {
        var modelRef = ModelRef.Parse("  HF:TheBloke/Llama-2-7B-GGUF/llama-2-7b.Q4_K_M.gguf ");

        Assert.Equal("TheBloke", modelRef.Org);
        Assert.Equal("Llama-2-7B-GGUF", modelRef.Repo);
        Assert.Equal("llama-2-7b.Q4_K_M.gguf", modelRef.RepoPath);
        Assert.Equal("hf:TheBloke/Llama-2-7B-GGUF/llama-2-7b.Q4_K_M.gguf", modelRef.Canonical);
    }

    [Theory]
    [InlineData("file:/models/a.gguf", "/models/a.gguf")]
    [InlineData("file:///models/a%20b.gguf", "/models/a b.gguf")]
    [InlineData("file:/models/sub/../a.gguf", "/models/a.gguf")]
    [InlineData("/models/a.gguf", "/models/a.gguf")]
    public void Absolute_file_refs_and_paths_are_local_files(string text, string path)
    {
        var modelRef = ModelRef.Parse(text);

        Assert.Equal(ModelRefKind.File, modelRef.Kind);
        Assert.Equal(path, modelRef.LocalPath);
        Assert.Equal("file:" + path, modelRef.Canonical);
        Assert.Equal(Path.GetFileName(path), modelRef.FileName);
        Assert.Null(modelRef.RelativePath);
    }

    [Fact]
    public void A_relative_path_is_taken_relative_to_the_working_directory()
    {
        var modelRef = ModelRef.Parse("models/a.gguf", "/srv/llorch");
        var current = ModelRef.Parse("a.gguf");

        Assert.Equal("/srv/llorch/models/a.gguf", modelRef.LocalPath);
        Assert.Equal("models/a.gguf", modelRef.RelativePath);
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "a.gguf"), current.LocalPath);
        Assert.Equal("/srv/a.gguf", ModelRef.Parse("../a.gguf", "/srv/llorch").LocalPath);
        Assert.Null(ModelRef.Parse("../a.gguf", "/srv/llorch").RelativePath);
    }

    [Theory]
    [InlineData("https://example.com/models/a.gguf", "https://example.com/models/a.gguf", "a.gguf")]
    [InlineData("https://example.com/m/a%20b.gguf?download=true#x", "https://example.com/m/a%20b.gguf?download=true", "a b.gguf")]
    [InlineData("http://127.0.0.1:8080/a.gguf", "http://127.0.0.1:8080/a.gguf", "a.gguf")]
    [InlineData("http://localhost/a.gguf", "http://localhost/a.gguf", "a.gguf")]
    public void Https_refs_are_urls_of_gguf_files(string text, string canonical, string fileName)
    {
        var modelRef = ModelRef.Parse(text);

        Assert.Equal(ModelRefKind.Url, modelRef.Kind);
        Assert.Equal(canonical, modelRef.Canonical);
        Assert.Equal(new Uri(canonical), modelRef.Url);
        Assert.Equal(fileName, modelRef.FileName);
    }

    [Theory]
    [InlineData("sim:fast", "fast")]
    [InlineData("sim:fast?tps=5&vram_mib=100", "fast")]
    [InlineData("sim:slow?tps=0.5&load_ms=2000", "slow")]
    public void Sim_refs_are_synthetic(string text, string name)
    {
        var modelRef = ModelRef.Parse(text);

        Assert.True(modelRef.IsSynthetic);
        Assert.Equal(ModelRefKind.Synthetic, modelRef.Kind);
        Assert.Equal(name, modelRef.SyntheticName);
        Assert.Null(modelRef.FileName);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("hf:", "missing org, repo and file path")]
    [InlineData("hf:ggml-org", "missing a repo and a file path")]
    [InlineData("hf:ggml-org/models", "missing a file path inside the repo")]
    [InlineData("hf:ggml-org/models/", "empty segment")]
    [InlineData("hf:/ggml-org/models/a.gguf", "empty segment")]
    [InlineData("hf:ggml-org//models/a.gguf", "empty segment")]
    [InlineData("hf:ggml-org/models/../a.gguf", "'..' segments")]
    [InlineData("hf:ggml-org/models/./a.gguf", "'..' segments")]
    [InlineData("hf:ggml-org/models/tinyllamas/stories260K.bin", "must name a .gguf file (got 'stories260K.bin')")]
    [InlineData("hf:ggml-org/models/.gguf", "must name a .gguf file")]
    [InlineData("hf:ggml-org/models:Q4_K_M", "missing a file path inside the repo")]
    [InlineData("hf:ggml org/models/a.gguf", "invalid org 'ggml org'")]
    [InlineData("hf:ggml-org/mo@dels/a.gguf", "invalid repo 'mo@dels'")]
    [InlineData("hf:ggml-org\\models\\a.gguf", "'/' between segments")]
    [InlineData("http://example.com/a.gguf", "plain http")]
    [InlineData("https://example.com/", "URL of a .gguf file")]
    [InlineData("https://example.com/a.bin", "URL of a .gguf file")]
    [InlineData("https://example.com/a%2Fb.gguf", "URL of a .gguf file")]
    [InlineData("https://user:secret@example.com/a.gguf", "credentials")]
    [InlineData("https:///a.gguf", "not a valid URL")]
    [InlineData("file:models/a.gguf", "needs an absolute path")]
    [InlineData("file://host/models/a.gguf", "not a valid file URI")]
    [InlineData("ftp://example.com/a.gguf", "unknown scheme 'ftp:'")]
    [InlineData("ollama:llama3", "unknown scheme 'ollama:'")]
    // What llorch-engine would refuse on its command line (exit 2) is refused here, before an engine is started.
    [InlineData("sim:", "has no name")]
    [InlineData("sim:y?tps=abc", "tps='abc'")]
    [InlineData("sim:y?tps=-1", "tps='-1'")]
    [InlineData("sim:y?vram_mib=-5", "vram_mib='-5'")]
    [InlineData("sim:y?load_ms=soon", "load_ms='soon'")]
    [InlineData("sim:y?speed=3", "unknown parameter 'speed'")]
    public void Invalid_refs_are_rejected_with_a_reason(string text, string reason)
    {
        Assert.False(ModelRef.TryParse(text, out var modelRef, out var error));
        Assert.Null(modelRef);
        Assert.Contains(reason, error);

        var thrown = Assert.Throws<FormatException>(() => ModelRef.Parse(text));
        Assert.Equal(error, thrown.Message);
    }

    [Fact]
    public void Refs_are_equal_by_their_canonical_text()
    {
        Assert.Equal(ModelRef.Parse("file:/models/a.gguf"), ModelRef.Parse("/models/a.gguf"));
        Assert.Equal(ModelRef.Parse("hf:o/r/a.gguf").GetHashCode(), ModelRef.Parse(" hf:o/r/a.gguf").GetHashCode());
        Assert.NotEqual(ModelRef.Parse("hf:o/r/a.gguf"), ModelRef.Parse("hf:o/r/b.gguf"));
    }
}
