namespace LlamaOrch.Bdd.Tests.Coverage;

/// <summary>
/// One requirement of the two specs: its id, its strongest RFC 2119 keyword (<c>MUST</c>, <c>SHOULD</c>,
/// <c>MAY</c>, or empty for a bullet with none), and its text. Only MUST and SHOULD need a scenario.
/// </summary>
internal sealed record Requirement(string Id, string Level, string Text)
{
    public bool NeedsScenario => Level is "MUST" or "SHOULD";
}
