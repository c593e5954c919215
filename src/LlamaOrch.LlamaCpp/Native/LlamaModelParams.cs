using System.Runtime.InteropServices;

namespace LlamaOrch.LlamaCpp.Native;

/// <summary><c>struct llama_model_params</c> of llama.h (v0.5.0): 80 bytes on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaModelParams
{
    public nint Devices;
    public nint TensorBuftOverrides;
    public int NGpuLayers;
    public int SplitMode;
    public int LoadMode;
    public int LazyMode;
    public int MainGpu;
    public nint TensorSplit;
    public nint ProgressCallback;
    public nint ProgressCallbackUserData;
    public nint KvOverrides;

    // C bool is one byte; keeping them as bytes keeps the struct blittable.
    public byte VocabOnly;
    public byte CheckTensors;
    public byte UseExtraBufts;
    public byte NoHost;
    public byte NoAlloc;
    public byte LoadMtp;
}

/// <summary><c>enum llama_load_mode</c>.</summary>
internal static class LlamaLoadMode
{
    public const int Auto = -1;
    public const int None = 0;
    public const int Mmap = 1;
}
