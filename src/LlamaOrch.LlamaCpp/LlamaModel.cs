using System.Buffers;
using System.Text;
using LlamaOrch.LlamaCpp.Native;

namespace LlamaOrch.LlamaCpp;

/// <summary>A loaded GGUF model and its vocabulary. Thread-safe for tokenizing; contexts hold the state.</summary>
internal sealed unsafe class LlamaModel : IDisposable
{
    private nint _model;

    private LlamaModel(nint model, string path)
    {
        _model = model;
        Path = path;
        Vocab = NativeMethods.ModelGetVocab(model);
        VocabSize = NativeMethods.VocabNTokens(Vocab);
        Bos = NativeMethods.VocabBos(Vocab);
        Eos = NativeMethods.VocabEos(Vocab);
        Sep = NativeMethods.VocabSep(Vocab);
        ClassifierOutputs = (int)NativeMethods.ModelNClsOut(model);
        ContextLengthTrained = NativeMethods.ModelNCtxTrain(model);
        EmbeddingSize = NativeMethods.ModelNEmbd(model);
        var description = stackalloc byte[256];
        var length = NativeMethods.ModelDesc(model, description, 256);
        Description = length > 0 ? Encoding.UTF8.GetString(description, Math.Min(length, 255)) : "unknown";
    }

    public string Path { get; }
    public string Description { get; }
    public int VocabSize { get; }
    public int Bos { get; }

    /// <summary>End of sentence; -1 (LLAMA_TOKEN_NULL) when the vocabulary has none. Likewise <see cref="Sep"/>.</summary>
    public int Eos { get; }
    public int Sep { get; }

    /// <summary>Floats a rank-pooled sequence yields: the classifier's labels (1 unless the model lists more).</summary>
    public int ClassifierOutputs { get; }
    public bool AddsBos => NativeMethods.VocabGetAddBos(Vocab);
    public bool AddsEos => NativeMethods.VocabGetAddEos(Vocab);
    public bool AddsSep => NativeMethods.VocabGetAddSep(Vocab);
    public int ContextLengthTrained { get; }
    public int EmbeddingSize { get; }
    internal nint Handle => _model != 0 ? _model : throw new ObjectDisposedException(nameof(LlamaModel));
    internal nint Vocab { get; }

    /// <summary>
    /// Loads a model; <paramref name="useMmap"/> false reads it into memory (lower RSS for quantized models).
    /// <paramref name="gpuLayers"/> -1 offloads every layer when a GPU backend is loaded; the CPU build ignores it.
    /// </summary>
    public static LlamaModel Load(string path, bool useMmap = false, int gpuLayers = -1)
    {
        LlamaBackend.EnsureInitialized();
        if (!File.Exists(path)) throw new FileNotFoundException($"model file not found: {path}", path);
        var parameters = NativeMethods.ModelDefaultParams();
        parameters.LoadMode = useMmap ? LlamaLoadMode.Mmap : LlamaLoadMode.None;
        parameters.NGpuLayers = gpuLayers;
        var handle = NativeMethods.ModelLoadFromFile(path, parameters);
        if (handle == 0) throw new LlamaException($"llama.cpp could not load {path} (see the engine's log for the loader's reason)");
        return new LlamaModel(handle, path);
    }

    public bool IsEndOfGeneration(int token) => NativeMethods.VocabIsEog(Vocab, token);

    /// <summary>The template the model stores under <paramref name="name"/> (for example "rerank"), or null.</summary>
    public string? Template(string? name)
    {
        var text = NativeMethods.ModelChatTemplate(Handle, name);
        return text is null ? null : System.Runtime.InteropServices.Marshal.PtrToStringUTF8((nint)text);
    }

    /// <summary>
    /// Tokens of <paramref name="text"/>, with the model's BOS when it wants one and <paramref name="addSpecial"/>.
    /// <paramref name="parseSpecial"/> turns special-token text (a template's markers) into those tokens.
    /// </summary>
    public int[] Tokenize(string text, bool addSpecial = true, bool parseSpecial = false)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var capacity = bytes.Length + 8;
        while (true)
        {
            var tokens = new int[capacity];
            int count;
            fixed (byte* textPtr = bytes)
            fixed (int* tokenPtr = tokens)
            {
                count = NativeMethods.Tokenize(Vocab, textPtr, bytes.Length, tokenPtr, tokens.Length, addSpecial, parseSpecial);
            }
            if (count >= 0) return tokens.AsSpan(0, count).ToArray();
            capacity = -count; // llama.cpp returns minus the size it needs
        }
    }

    /// <summary>
    /// Appends the raw bytes of a token's text. A piece may end inside a multi-byte UTF-8 character, so
    /// callers accumulate bytes and decode only complete characters.
    /// </summary>
    public void AppendPiece(int token, IBufferWriter<byte> output)
    {
        var written = PieceInto(token, output.GetSpan(32));
        if (written < 0) written = PieceInto(token, output.GetSpan(-written)); // llama.cpp said how much it needs
        output.Advance(written);
    }

    private int PieceInto(int token, Span<byte> buffer)
    {
        fixed (byte* ptr = buffer) return NativeMethods.TokenToPiece(Vocab, token, ptr, buffer.Length, 0, special: false);
    }

    public void Dispose()
    {
        if (_model == 0) return;
        NativeMethods.ModelFree(_model);
        _model = 0;
    }
}
