using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LlamaOrch.LlamaCpp.Native;

namespace LlamaOrch.LlamaCpp;

/// <summary>
/// Process-wide llama.cpp start-up. The CPU backends are separate libraries (one per instruction-set
/// level) that <c>llama_backend_init</c> does not find by itself: they are loaded from the library folder
/// first. llama.cpp's own log goes to stderr at warning level and above only.
/// </summary>
internal static unsafe class LlamaBackend
{
    private static readonly object Gate = new();
    private static bool s_initialized;

    public static void EnsureInitialized(string? libraryDirectory = null)
    {
        lock (Gate)
        {
            if (s_initialized) return;
            NativeLibraryResolver.Configure(libraryDirectory);
            NativeMethods.GgmlBackendLoadAllFromPath(NativeLibraryResolver.Directory);
            NativeMethods.LogSet(&Log, 0);
            NativeMethods.BackendInit();
            s_initialized = true;
        }
    }

    /// <summary>The backends llama.cpp found, and the CPU features of the one it uses.</summary>
    public static string SystemInfo
    {
        get
        {
            EnsureInitialized();
            return Marshal.PtrToStringUTF8((nint)NativeMethods.PrintSystemInfo()) ?? string.Empty;
        }
    }

    public static int DeviceCount
    {
        get
        {
            EnsureInitialized();
            return (int)NativeMethods.GgmlBackendDevCount();
        }
    }

    // ggml_log_level: 0 none, 1 debug, 2 info, 3 warn, 4 error, 5 cont.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void Log(int level, byte* text, nint userData)
    {
        if (level is 3 or 4) Console.Error.Write(Marshal.PtrToStringUTF8((nint)text));
    }
}
