namespace LlamaOrch.Engines.Models;

/// <summary>What a model ref names, by its scheme.</summary>
public enum ModelRefKind
{
    /// <summary><c>file:/abs/path</c> or a plain path: a file on this machine.</summary>
    File,

    /// <summary><c>hf:org/repo/path/in/repo.gguf</c>: a file in a Hugging Face repository.</summary>
    HuggingFace,

    /// <summary><c>https://…/file.gguf</c>: a file at a URL.</summary>
    Url,

    /// <summary><c>sim:…</c>: the engine's synthetic model; there is no file to resolve.</summary>
    Synthetic,
}
