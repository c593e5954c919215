using System.Runtime.InteropServices;
using System.Text;
using LlamaOrch.LlamaCpp.Native;

namespace LlamaOrch.LlamaCpp;

/// <summary>
/// llama.cpp's own chat formatting (<c>llama_chat_apply_template</c>): the built-in families it recognises by name or
/// by markers in a template's text, rendered in C++ without Jinja. A reference to hold our renderer to.
/// </summary>
internal static unsafe class LlamaChat
{
    /// <summary>The names of the built-in templates (chatml, llama3, …).</summary>
    public static IReadOnlyList<string> BuiltinTemplates()
    {
        LlamaBackend.EnsureInitialized();
        var count = NativeMethods.ChatBuiltinTemplates(null, 0);
        var names = new nint[count];
        fixed (nint* output = names) NativeMethods.ChatBuiltinTemplates((byte**)output, (nuint)count);
        return names.Select(name => Marshal.PtrToStringUTF8(name) ?? "").ToList();
    }

    /// <summary>
    /// Renders <paramref name="messages"/> (role, content) with the built-in template <paramref name="template"/> names
    /// or resembles; null when llama.cpp does not recognise it.
    /// </summary>
    public static string? Apply(string template, IReadOnlyList<(string Role, string Content)> messages, bool addAssistant)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(messages);
        LlamaBackend.EnsureInitialized();

        var strings = new List<nint>(messages.Count * 2);
        try
        {
            var chat = new LlamaChatMessage[messages.Count];
            var textBytes = 0;
            for (var i = 0; i < messages.Count; i++)
            {
                chat[i].Role = (byte*)Add(strings, messages[i].Role);
                chat[i].Content = (byte*)Add(strings, messages[i].Content);
                textBytes += Encoding.UTF8.GetByteCount(messages[i].Role) + Encoding.UTF8.GetByteCount(messages[i].Content);
            }
            // llama.cpp's own sizing advice: twice the text, then exactly what it reports when that was too small.
            var buffer = new byte[Math.Max(256, textBytes * 2)];
            fixed (LlamaChatMessage* messagesPointer = chat)
            {
                var length = Format(template, messagesPointer, chat.Length, addAssistant, buffer);
                if (length < 0) return null;
                if (length > buffer.Length)
                {
                    buffer = new byte[length];
                    length = Format(template, messagesPointer, chat.Length, addAssistant, buffer);
                }
                return Encoding.UTF8.GetString(buffer, 0, length);
            }
        }
        finally
        {
            foreach (var pointer in strings) Marshal.FreeCoTaskMem(pointer);
        }
    }

    private static int Format(string template, LlamaChatMessage* chat, int count, bool addAssistant, byte[] buffer)
    {
        fixed (byte* output = buffer) return NativeMethods.ChatApplyTemplate(template, chat, (nuint)count, addAssistant, output, buffer.Length);
    }

    private static nint Add(List<nint> strings, string text)
    {
        var pointer = Marshal.StringToCoTaskMemUTF8(text);
        strings.Add(pointer);
        return pointer;
    }
}
