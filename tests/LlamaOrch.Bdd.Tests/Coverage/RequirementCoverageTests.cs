using LlamaOrch.Bdd.Target;

namespace LlamaOrch.Bdd.Tests.Coverage;

/// <summary>
/// Every MUST and SHOULD of the two specs (<c>../shared/spec/</c> beside the repository, as in CI's fresh clone) has a
/// scenario quoting its id, or a reason in COVERAGE.md why it cannot be checked here; no scenario quotes an id the
/// specs do not have; and COVERAGE.md's table is the one these facts give.
/// </summary>
public sealed class RequirementCoverageTests
{
    private static readonly string SpecDir = Path.GetFullPath(Path.Combine(RepoLayout.Root, "..", "shared", "spec"));
    private static readonly string CoverageFile = Path.Combine(RepoLayout.Root, "test-harness", "bdd", "COVERAGE.md");

    private static IReadOnlyList<Requirement> Requirements()
    {
        Assert.True(Directory.Exists(SpecDir), $"the specs are read from {SpecDir}, beside the repository (../shared/spec)");
        return
        [
            .. SpecRequirements.Cli(File.ReadAllText(Path.Combine(SpecDir, "cli-feature-requirements.md"))),
            .. SpecRequirements.HomeProfile(File.ReadAllText(Path.Combine(SpecDir, "home-profile-v2.1.md"))),
        ];
    }

    private static IReadOnlyList<FeatureScenario> Scenarios() => FeatureScenario.Load(RepoLayout.Features);

    [Fact]
    public void The_specs_ids_are_read_with_their_levels()
    {
        var byId = Requirements().ToDictionary(r => r.Id);
        Assert.Equal("MUST", byId["FR-DP-001"].Level);
        Assert.Equal("SHOULD", byId["FR-TH-001"].Level);
        Assert.Equal("MAY", byId["FR-MA-003"].Level);
        Assert.StartsWith("MUST bind services to", byId["HP-1.1"].Text, StringComparison.Ordinal);
        Assert.Equal("SHOULD", byId["HP-1.6"].Level);
        Assert.Equal("MUST", byId["HP-3.3"].Level); // "MAY coalesce … but MUST surface"
        Assert.Equal("MAY", byId["HP-8.3"].Level);
        Assert.StartsWith("MUST log warnings", byId["HP-8.4"].Text, StringComparison.Ordinal); // §8's nested series list is not counted
        Assert.Equal("", byId["HP-11.1"].Level);
        Assert.Equal("MUST", byId["HP-12.1"].Level); // "Contracts must include"
        Assert.DoesNotContain("HP-13.1", byId.Keys);
    }

    [Fact]
    public void Every_MUST_and_SHOULD_has_a_scenario_or_a_reason_why_not()
    {
        var scenarios = Scenarios();
        var (_, reasons) = CoverageTable.Read(File.ReadAllText(CoverageFile));
        var uncovered = Requirements()
            .Where(r => r.NeedsScenario && !scenarios.Any(s => s.Ids.Contains(r.Id)) && !reasons.ContainsKey(r.Id))
            .Select(r => $"{r.Id} ({r.Level}): {r.Text}")
            .ToList();
        Assert.True(uncovered.Count == 0, "no scenario quotes these, and COVERAGE.md gives no reason:\n" + string.Join("\n", uncovered));
    }

    [Fact]
    public void Every_id_a_scenario_quotes_is_in_the_specs_and_every_scenario_quotes_one()
    {
        var known = Requirements().Select(r => r.Id).ToHashSet();
        var scenarios = Scenarios();
        var unknown = scenarios.SelectMany(s => s.Ids.Where(id => !known.Contains(id)).Select(id => $"{s.File}: {id} in \"{s.Name}\"")).ToList();
        Assert.True(unknown.Count == 0, "ids the specs do not have:\n" + string.Join("\n", unknown));
        var unnamed = scenarios.Where(s => s.Ids.Count == 0).Select(s => $"{s.File}: \"{s.Name}\"").ToList();
        Assert.True(unnamed.Count == 0, "scenarios that quote no requirement id:\n" + string.Join("\n", unnamed));
    }

    [Fact]
    public void A_not_checkable_reason_is_only_given_where_no_scenario_checks_the_requirement()
    {
        var scenarios = Scenarios();
        var (_, reasons) = CoverageTable.Read(File.ReadAllText(CoverageFile));
        var stale = reasons.Keys.Where(id => scenarios.Any(s => s.Ids.Contains(id))).ToList();
        Assert.True(stale.Count == 0, "these have scenarios now; drop their reasons: " + string.Join(", ", stale));
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Value) || r.Value == "(write why)", $"{r.Key} needs a reason"));
    }

    [Fact]
    public void COVERAGE_md_holds_the_table_the_specs_and_features_give()
    {
        var markdown = File.ReadAllText(CoverageFile);
        var (table, reasons) = CoverageTable.Read(markdown);
        var expected = CoverageTable.Render(Requirements(), Scenarios(), reasons);
        if (table == expected) return;
        var written = Path.Combine(Path.GetTempPath(), "llorch-bdd-COVERAGE.md");
        var start = markdown.IndexOf(CoverageTable.Start, StringComparison.Ordinal) + CoverageTable.Start.Length;
        File.WriteAllText(written, markdown[..start] + "\n" + expected + "\n" + markdown[markdown.IndexOf(CoverageTable.End, StringComparison.Ordinal)..]);
        Assert.Fail($"COVERAGE.md's table is stale; the current one is in {written} (copy it over test-harness/bdd/COVERAGE.md)");
    }
}
