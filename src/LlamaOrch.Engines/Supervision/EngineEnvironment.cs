using System.Collections;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// The environment an engine process inherits from orchestratord: an allow-list, not everything. An
/// engine needs to find its runtime and libraries and to read the llama.cpp and CUDA knobs an operator
/// sets; it must not see orchestratord's secrets (LLORCH_API_TOKEN, cloud keys, HF tokens), which any
/// process of the same user could otherwise read in /proc/PID/environ. Documented in docs/configuration.md.
/// </summary>
internal static class EngineEnvironment
{
    /// <summary>Passed as they are: the search path, the user's home and temp folder, the locale, and where libraries live.</summary>
    private static readonly string[] Names =
    [
        "PATH", "HOME", "TMPDIR", "LANG", "LANGUAGE", "LD_LIBRARY_PATH",
        "LLORCH_LLAMA_LIB_DIR", // the folder of llama.cpp libraries llorch-engine loads
    ];

    /// <summary>
    /// Families of knobs: locale (LC_), CUDA, ggml and llama.cpp (llama-server reads LLAMA_ARG_*), OpenMP threads, the .NET runtime,
    /// and OpenTelemetry's (OTEL_: the engine exports its spans to the same collector; headers for that collector included).
    /// </summary>
    private static readonly string[] Prefixes = ["LC_", "CUDA_", "GGML_", "LLAMA_", "OMP_", "DOTNET_", "OTEL_"];

    public static bool Passes(string name)
    {
        foreach (var allowed in Names)
            if (string.Equals(name, allowed, StringComparison.Ordinal)) return true;
        foreach (var prefix in Prefixes)
            if (name.StartsWith(prefix, StringComparison.Ordinal)) return true;
        return false;
    }

    /// <summary>Replaces <paramref name="target"/> (a start info's environment) with the allowed variables of <paramref name="inherited"/>.</summary>
    public static void Apply(IDictionary<string, string?> target, IDictionary inherited)
    {
        target.Clear();
        foreach (DictionaryEntry variable in inherited)
            if (variable.Key is string name && Passes(name)) target[name] = variable.Value as string;
    }
}
