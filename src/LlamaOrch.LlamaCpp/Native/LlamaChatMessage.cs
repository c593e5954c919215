using System.Runtime.InteropServices;

namespace LlamaOrch.LlamaCpp.Native;

/// <summary><c>struct llama_chat_message</c>: two UTF-8 C strings (16 bytes on x86-64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaChatMessage
{
    public byte* Role;
    public byte* Content;
}
