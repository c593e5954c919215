namespace LlamaOrch.Core.Admission;

/// <summary>Size limits that protect orchestratord from oversized requests (Orchestrator:Limits).</summary>
public sealed record AdmissionLimits
{
    public int MaxBodyBytes { get; init; } = 1 << 20;
    public int MaxPromptChars { get; init; } = 256 * 1024;
    public int MaxInputs { get; init; } = 256;
    public int MaxModelRefChars { get; init; } = 1024;
}
