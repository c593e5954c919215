namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>Readable names for <c>general.file_type</c>, the way model files are usually labelled (Q4_K_M, F16).</summary>
internal static class GgufFileTypeNames
{
    // llama.cpp sets this bit when it had to guess the file type from the tensor types.
    private const uint GuessedFlag = 1024;

    public static string Describe(uint fileType)
    {
        var guessed = (fileType & GuessedFlag) != 0;
        var type = (GgufFileType)(fileType & ~GuessedFlag);
        var name = type switch
        {
            GgufFileType.AllF32 => "F32",
            _ when Enum.IsDefined(type) => type.ToString()["Mostly".Length..],
            _ => $"unknown ({fileType & ~GuessedFlag})",
        };
        return guessed ? $"{name} (guessed)" : name;
    }
}
