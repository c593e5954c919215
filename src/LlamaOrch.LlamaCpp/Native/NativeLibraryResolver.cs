using System.Reflection;
using System.Runtime.InteropServices;

namespace LlamaOrch.LlamaCpp.Native;

/// <summary>
/// Maps the import names "llama" and "ggml" to the shipped files, whose names carry a version
/// (<c>libllama.v0.5.0.so</c>), in one directory: the copy beside the engine by default, or a user's own
/// build (a CUDA one, say) set by <c>LLORCH_LLAMA_LIB_DIR</c> or the engine's <c>--lib-dir</c>.
/// </summary>
internal static class NativeLibraryResolver
{
    public const string DirectoryVariable = "LLORCH_LLAMA_LIB_DIR";

    private static readonly object Gate = new();
    private static string? s_directory;

    /// <summary>The folder of the shipped libraries, beside this assembly.</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "native");

    public static string Directory => s_directory ?? throw new InvalidOperationException("native libraries are not configured yet");

    /// <summary>Sets the directory once per process; later calls must name the same one.</summary>
    public static void Configure(string? directory)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        var chosen = Path.GetFullPath(directory ?? (string.IsNullOrEmpty(fromEnvironment) ? DefaultDirectory : fromEnvironment));
        lock (Gate)
        {
            if (s_directory is not null)
            {
                if (s_directory != chosen) throw new InvalidOperationException($"native libraries already loaded from {s_directory}, not {chosen}");
                return;
            }
            if (!System.IO.Directory.Exists(chosen))
                throw new DirectoryNotFoundException($"llama.cpp libraries not found: {chosen} does not exist (build the solution, or set {DirectoryVariable})");
            s_directory = chosen;
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
        }
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name is not (NativeMethods.Llama or NativeMethods.Ggml)) return 0;
        var file = FindFile(Directory, name)
                   ?? throw new DllNotFoundException($"no lib{name}*.so in {Directory}");
        return NativeLibrary.Load(file);
    }

    /// <summary><c>lib{name}.so</c>, else the versioned <c>lib{name}.v*.so</c>.</summary>
    internal static string? FindFile(string directory, string name)
    {
        var plain = Path.Combine(directory, $"lib{name}.so");
        if (File.Exists(plain)) return plain;
        return System.IO.Directory.EnumerateFiles(directory, $"lib{name}.v*.so").Order(StringComparer.Ordinal).LastOrDefault();
    }
}
