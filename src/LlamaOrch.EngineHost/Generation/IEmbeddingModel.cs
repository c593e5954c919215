namespace LlamaOrch.EngineHost.Generation;

/// <summary>A model that can also turn texts into pooled embedding vectors.</summary>
internal interface IEmbeddingModel
{
    /// <summary>True when the engine was started with <c>--embedding</c>.</summary>
    bool CanEmbed { get; }

    /// <summary>The L2-normalised pooled vector of <paramref name="text"/> and its token count; throws ArgumentException when it is too long.</summary>
    (float[] Vector, int Tokens) Embed(string text);
}
