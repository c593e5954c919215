namespace LlamaOrch.LlamaCpp;

/// <summary>Which llama.cpp build the shipped libraries are (NativeLibraries.targets pins the package).</summary>
internal static class LlamaBuild
{
    public const string Version = "v0.5.0";
    public const string Origin = "prebuilt by node-llama-cpp 3.22.1";

    /// <summary>Where the loaded libraries came from: the shipped prebuilt, or the folder a user chose.</summary>
    public static string LoadedFrom =>
        Path.GetFullPath(Native.NativeLibraryResolver.Directory) == Path.GetFullPath(Native.NativeLibraryResolver.DefaultDirectory)
            ? Origin
            : $"libraries from {Native.NativeLibraryResolver.Directory}";
}
