using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// The <c>--pooling</c> an engine that serves embeddings is started with (issue 18 defect 2). llama-server pools as
/// the GGUF's <c>{arch}.pooling_type</c> says, and a model that names none (a plain LLM, such as stories260K) gets
/// llama.cpp's "none": a vector per token, of which <c>/embedding</c>'s first is the BOS token's, the same for every
/// text. So the model's own pooling is passed where it names one that gives a vector per text (mean, cls, last), and
/// mean otherwise, which is also what llorch-engine does by default.
/// </summary>
internal static class EmbeddingPooling
{
    public const string Mean = "mean";

    /// <summary>llama-server's name for <paramref name="model"/>'s pooling: its GGUF's where usable, else mean (also for sim: refs and unreadable files).</summary>
    public static string Of(string model)
    {
        if (!File.Exists(model)) return Mean;
        try
        {
            return FromHeader(GgufReader.Read(model, verifyTensorData: false));
        }
        catch (Exception error) when (error is GgufFormatException or IOException or UnauthorizedAccessException)
        {
            return Mean; // the engine will say what is wrong with the file when it loads it
        }
    }

    public static string FromHeader(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.GetValue(GgufKeys.Architecture)?.AsString() is not { } architecture) return Mean;
        // llama_pooling_type: 0 none, 1 mean, 2 cls, 3 last, 4 rank.
        return file.GetValue(GgufKeys.ForArchitecture(architecture, GgufKeys.PoolingType))?.AsInt64() switch
        {
            2 => "cls",
            3 => "last",
            _ => Mean,
        };
    }
}
