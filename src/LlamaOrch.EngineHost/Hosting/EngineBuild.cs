namespace LlamaOrch.EngineHost.Hosting;

/// <summary>The engine's version as the build stamped it (Directory.Build.props).</summary>
internal static class EngineBuild
{
    public static string Version { get; } =
        typeof(EngineBuild).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
}
