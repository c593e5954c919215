namespace LlamaOrch.Bdd.Runner;

/// <summary>One scenario to run (one per example row for an outline), background steps first.</summary>
internal sealed record PlannedScenario(string Feature, string Name, string File, int Line, IReadOnlyList<PlannedStep> Steps);
