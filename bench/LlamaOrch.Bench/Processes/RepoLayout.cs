namespace LlamaOrch.Bench.Processes;

/// <summary>Where the Release build of orchestratord, its bundled llorch-engine and the bare baseline live, found from the repo root.</summary>
internal sealed record RepoLayout(string Root, string OrchestratorDll, string EngineDll, string BareDll, string DotnetHost)
{
    private const string SolutionFile = "llama-orch.sln";

    /// <summary>Walks up from the bench's own folder (and the working directory) to llama-orch.sln.</summary>
    public static RepoLayout Locate()
    {
        var root = FindRoot(AppContext.BaseDirectory) ?? FindRoot(Directory.GetCurrentDirectory())
            ?? throw new BenchSetupException($"cannot find {SolutionFile} above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}");
        // LLORCH_BENCH_SERVER_BIN points at another build's output (a copy of an earlier tree's bin folder), for A/B runs.
        var serverBin = Environment.GetEnvironmentVariable("LLORCH_BENCH_SERVER_BIN") is { Length: > 0 } other
            ? Path.GetFullPath(other)
            : Path.Combine(root, "src", "LlamaOrch.Server", "bin", "Release", "net10.0");
        var orchestrator = Path.Combine(serverBin, "orchestratord.dll");
        // The engine orchestratord spawns is the copy beside it, so the baseline runs the very same build.
        var engine = Path.Combine(serverBin, "engine", "llorch-engine.dll");
        // The bare Kestrel baseline (bench/LlamaOrch.BareKestrel), built by the same Release build of the solution.
        var bare = Path.Combine(root, "bench", "LlamaOrch.BareKestrel", "bin", "Release", "net10.0", "llorch-bare.dll");
        foreach (var required in new[] { orchestrator, engine, bare })
        {
            if (!File.Exists(required))
                throw new BenchSetupException($"{required} is missing: run 'dotnet build -c Release' in {root} first");
        }
        return new RepoLayout(root, orchestrator, engine, bare, FindDotnet());
    }

    private static string? FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, SolutionFile))) return directory.FullName;
        }
        return null;
    }

    /// <summary>
    /// The dotnet host that runs the .dlls. Under 'dotnet run' this process is the bench's apphost, not
    /// dotnet, so DOTNET_HOST_PATH and DOTNET_ROOT are asked before falling back to PATH.
    /// </summary>
    private static string FindDotnet()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)) return host;
        if (Environment.ProcessPath is { } current && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } dotnetRoot && File.Exists(Path.Combine(dotnetRoot, "dotnet")))
            return Path.Combine(dotnetRoot, "dotnet");
        return "dotnet";
    }
}
