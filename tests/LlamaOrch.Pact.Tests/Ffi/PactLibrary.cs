using System.Reflection;
using System.Runtime.InteropServices;
using LlamaOrch.Testing;

namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>
/// Finds libpact_ffi where <c>build/install-npm-tools.sh</c> (<c>npm ci</c> in <c>build/npm</c>) puts it. A missing
/// library fails with the command that installs it: the pact tests are never skipped.
/// </summary>
internal static class PactLibrary
{
    private const string PackageFolder = "@pact-foundation/pact-core-linux-x64-glibc";

    public static string Path => RepoPaths.InRepo("build", "npm", "node_modules", PackageFolder, "prebuilds", "linux-x64", "libpact_ffi.so");

    private static readonly Lazy<IntPtr> Handle = new(Load);

    public static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name == "pact_ffi" ? Handle.Value : IntPtr.Zero;

    private static IntPtr Load()
    {
        if (!File.Exists(Path))
            throw new DllNotFoundException($"libpact_ffi is not installed at {Path}; run `bash build/install-npm-tools.sh` (npm ci in build/npm)");
        return NativeLibrary.Load(Path);
    }

    /// <summary>A file path: the library logs there as it goes (dotnet test shows no output of a test that hangs).</summary>
    public const string TraceVariable = "LLORCH_PACT_TRACE";

    public static string? TraceFile => Environment.GetEnvironmentVariable(TraceVariable) is { Length: > 0 } path ? path : null;

    private static readonly Lazy<int> Logging = new(() =>
        TraceFile is { } path ? PactFfi.pactffi_log_to_file(path, PactFfi.LogLevelInfo) : PactFfi.pactffi_log_to_buffer(PactFfi.LogLevelInfo));

    /// <summary>
    /// One log sink for the process, set before the first mock server or verifier: each keeps its own lines, read back
    /// on failure. (Not in <see cref="Load"/>: a call into the library there would re-enter the resolver.)
    /// </summary>
    public static void EnsureLogging() => _ = Logging.Value;
}
