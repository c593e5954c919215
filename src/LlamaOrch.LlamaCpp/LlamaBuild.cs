namespace LlamaOrch.LlamaCpp;

/// <summary>Which llama.cpp build the shipped libraries are (NativeLibraries.targets pins the package).</summary>
internal static class LlamaBuild
{
    public const string Version = "v0.5.0";
    public const string Origin = "prebuilt by node-llama-cpp 3.22.1";
}
