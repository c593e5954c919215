namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>Default values of the completion fields, as <c>/props</c> reports them.</summary>
internal sealed record GenerationParams(
    double Temperature,
    int TopK,
    double TopP,
    double MinP,
    double RepeatPenalty,
    long Seed,
    int NPredict);
