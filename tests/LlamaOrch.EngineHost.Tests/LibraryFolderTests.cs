using LlamaOrch.Testing;
using LlamaOrch.EngineHost.Tests.Harness;

namespace LlamaOrch.EngineHost.Tests;

/// <summary>
/// <c>--lib-dir</c>: llorch-engine on llama.cpp libraries outside its own folder, as an operator's local build
/// (src/LlamaOrch.LlamaCpp/build-llama-libs.sh) provides them.
/// </summary>
public sealed class LibraryFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llorch-libdir-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_folder_laid_out_like_a_cmake_build_is_loaded_and_gives_the_same_text_for_the_same_seed()
    {
        // A CMake build names its libraries libllama.so and libggml.so (links to the soname files); the shipped ones
        // are libllama.v0.5.0.so and libggml.v0.5.0.so. The same binaries under the build's names stand in for one.
        var shipped = Path.Combine(AppContext.BaseDirectory, "native");
        foreach (var file in Directory.EnumerateFiles(shipped, "*.so"))
        {
            File.Copy(file, Path.Combine(_folder, Path.GetFileName(file)));
        }
        File.CreateSymbolicLink(Path.Combine(_folder, "libllama.so"), "libllama.v0.5.0.so");
        File.CreateSymbolicLink(Path.Combine(_folder, "libggml.so"), "libggml.v0.5.0.so");
        const string Request = """{"prompt":"Once upon a time","n_predict":32,"stream":false,"seed":42}""";

        string own, ours;
        await using (var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["--lib-dir", _folder]))
        {
            var props = await engine.Http.GetJsonAsync("/props");
            Assert.Contains($"libraries from {_folder}", props.GetProperty("build_info").GetString());
            own = await ContentAsync(engine);
        }
        await using (var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K))
        {
            var props = await engine.Http.GetJsonAsync("/props");
            Assert.Contains("prebuilt by node-llama-cpp 3.22.1", props.GetProperty("build_info").GetString());
            ours = await ContentAsync(engine);
        }

        Assert.Matches("[a-z]{3,}", own);
        Assert.Equal(ours, own);

        async Task<string> ContentAsync(EngineProcess engine)
        {
            var (status, reply) = await engine.Http.PostJsonAsync("/completion", Request);
            Assert.Equal(System.Net.HttpStatusCode.OK, status);
            return reply.GetProperty("content").GetString()!;
        }
    }

    [Fact]
    public async Task A_folder_without_the_libraries_ends_the_engine_with_a_message_naming_it()
    {
        var run = await EngineProcess.RunToExitAsync(
            ["-m", RepoPaths.Stories260K, "--host", "127.0.0.1", "--port", "0", "--lib-dir", _folder]);

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains($"in {_folder}", run.Stderr);
        Assert.Contains("no libggml*.so", run.Stderr);
    }
}
