namespace LlamaOrch.EngineHost.Simulation;

/// <summary>What follows a word in a sim token; the values are the token's form offset in the vocabulary.</summary>
internal enum SimPunctuation
{
    None = 0,
    Comma = 1,
    FullStop = 2,
}
