namespace LlamaOrch.EngineHost.Protocol;

/// <summary>Why a completion ended, as llama-server's <c>stop_type</c> names it.</summary>
internal enum StopType
{
    /// <summary>n_predict tokens were predicted, or the slot's context is full.</summary>
    Limit,

    /// <summary>The model produced its end-of-generation token.</summary>
    Eos,

    /// <summary>The output reached one of the request's stop strings (llama-server's <c>word</c>).</summary>
    Word,
}
