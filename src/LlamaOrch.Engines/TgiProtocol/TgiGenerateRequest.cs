namespace LlamaOrch.Engines.TgiProtocol;

/// <summary>The body of TGI's <c>POST /generate_stream</c>.</summary>
internal sealed record TgiGenerateRequest(string Inputs, TgiParameters Parameters);

/// <summary>TGI's generation parameters; <c>do_sample</c> false is greedy, whatever the temperature.</summary>
internal sealed record TgiParameters(
    int? MaxNewTokens,
    bool DoSample,
    double? Temperature,
    int? TopK,
    double? TopP,
    double? RepetitionPenalty,
    long? Seed,
    IReadOnlyList<string>? Stop,
    bool Details);
