namespace LlamaOrch.Bdd.Target;

/// <summary>Where the runner finds the repository's features and orchestratord's build output.</summary>
internal static class RepoLayout
{
    /// <summary>The folder holding llama-orch.sln, walking up from the runner's binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The tiny real model the tests share, in <c>../shared/models</c> beside the repository.</summary>
    public static string Stories260K => Path.GetFullPath(Path.Combine(Root, "..", "shared", "models", "stories260K.gguf"));

    public static string Features => Path.Combine(Root, "test-harness", "bdd", "features");

    /// <summary>orchestratord as built in its own project (bin/&lt;Configuration&gt;/net10.0), with engine/ beside it.</summary>
    public static string OrchestratordDll()
    {
        var own = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(Root, "src", "LlamaOrch.Server", "bin", own.Parent!.Name, own.Name, "orchestratord.dll");
    }

    /// <summary>The llorch-engine that ships beside orchestratord (its build output's engine/ folder).</summary>
    public static string EngineDll(string orchestratordDll) => Path.Combine(Path.GetDirectoryName(orchestratordDll)!, "engine", "llorch-engine.dll");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "llama-orch.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no llama-orch.sln above {AppContext.BaseDirectory}");
    }
}
