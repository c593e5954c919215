namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>A verification's exit code (0 all verified), its text report and its JSON result.</summary>
internal sealed record VerificationOutcome(int Code, string Output, string Json)
{
    public bool Passed => Code == 0;
}
