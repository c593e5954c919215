using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Catalog;

namespace LlamaOrch.Core.Tests.Catalog;

public sealed class ModelCatalogTests
{
    private const string Digest = "sha256:270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";
    private const string OtherDigest = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    private const string Source = "hf:ggml-org/models/tinyllamas/stories260K.gguf";

    private readonly InMemoryCatalogStore _store = new();
    private readonly FakeTimeProvider _time = new();

    private Task<ModelCatalog> OpenAsync() => ModelCatalog.OpenAsync(_store, _time, CancellationToken.None);

    private static ModelRegistration Registration(string id = "stories", TrustMode mode = TrustMode.Permissive, string? source = Source) =>
        new(id, Digest, source, ["tiny"], [new ModelSignature("release-key", SignatureAlgorithms.EcdsaP256Sha256, "AAEC")], """{"bomFormat":"CycloneDX"}""",
            new TrustPolicy(mode));

    private static ModelVerification Verification(VerificationStatus status, bool mismatch = false) =>
        new(status, 5, mismatch ? OtherDigest : Digest, status == VerificationStatus.Failed ? ["something is wrong"] : [], [], mismatch);

    [Fact]
    public async Task Registering_stores_an_active_unverified_entry_with_the_clock_time()
    {
        var catalog = await OpenAsync();

        var result = await catalog.RegisterAsync(Registration(), CancellationToken.None);

        Assert.Equal(RegistrationStatus.Created, result.Status);
        Assert.Null(result.Rejection);
        var model = Assert.IsType<CatalogModel>(result.Model);
        Assert.Equal(CatalogState.Active, model.State);
        Assert.Equal(VerificationStatus.Unverified, model.Verification.Status);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), model.CreatedMs);
        Assert.Equal(model.CreatedMs, model.UpdatedMs);
        Assert.Equal(["tiny"], model.Tags);
        Assert.Same(model, _store.Rows["stories"]);
        Assert.Equal(["stories"], catalog.All.Select(m => m.Id));
    }

    [Fact]
    public async Task An_existing_id_is_a_conflict_that_keeps_the_first_entry()
    {
        var catalog = await OpenAsync();
        var first = (await catalog.RegisterAsync(Registration(), CancellationToken.None)).Model;

        var second = await catalog.RegisterAsync(Registration(source: "file:/elsewhere.gguf"), CancellationToken.None);

        Assert.Equal(RegistrationStatus.Conflict, second.Status);
        Assert.Same(first, second.Model);
        Assert.Equal(ErrorCodes.CatalogConflict, second.Rejection?.Code);
        Assert.Same(first, catalog.Find("stories"));
        Assert.Equal(Source, _store.Rows["stories"].SourceUrl);
    }

    [Fact]
    public async Task Find_matches_an_id_or_else_an_exact_source_url()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration("stories"), CancellationToken.None);
        await catalog.RegisterAsync(Registration("local", source: null), CancellationToken.None);

        Assert.Equal("stories", catalog.Find("stories")?.Id);
        Assert.Equal("stories", catalog.Find(Source)?.Id);
        Assert.Equal("local", catalog.Find("local")?.Id);
        Assert.Null(catalog.Find(Source.ToUpperInvariant()));
        Assert.Null(catalog.Find("hf:ggml-org/models/other.gguf"));
    }

    [Fact]
    public async Task A_bare_ref_shared_by_two_ids_finds_the_earliest_registered()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration("z-first"), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await catalog.RegisterAsync(Registration("a-second"), CancellationToken.None);

        Assert.Equal("z-first", catalog.Find(Source)?.Id);
        Assert.Equal(["a-second", "z-first"], catalog.All.Select(m => m.Id));
    }

    [Theory]
    [InlineData("", null, null, null, null, "id")]
    [InlineData("has space", null, null, null, null, "id")]
    [InlineData("ünicode", null, null, null, null, "id")]
    [InlineData("ok", "270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d", null, null, null, "digest")]
    [InlineData("ok", "sha256:270cba", null, null, null, "digest")]
    [InlineData("ok", "md5:270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d", null, null, null, "digest")]
    [InlineData("ok", null, "key|ed25519|AAEC", null, null, "signatures[0].algorithm")]
    [InlineData("ok", null, "key|rsa-pss-sha256|not base64!", null, null, "signatures[0].value")]
    [InlineData("ok", null, "../keys/x|rsa-pss-sha256|AAEC", null, null, "signatures[0].key_id")]
    [InlineData("ok", null, null, "[1, 2]", null, "sbom")]
    [InlineData("ok", null, null, "{not json", null, "sbom")]
    [InlineData("ok", null, null, """{"a": "\ud800"}""", null, "sbom")]
    [InlineData("ok", null, null, """{"a": ["x\udc00y"]}""", null, "sbom")]
    [InlineData("ok", null, null, """{"\ud800": 1}""", null, "sbom")]
    [InlineData("ok", null, null, null, "", "tags[0]")]
    [InlineData(".", null, null, null, null, "id")]
    [InlineData("..", null, null, null, null, "id")]
    public async Task An_invalid_field_is_named_and_nothing_is_written(string id, string? digest, string? signature, string? sbom, string? tag, string field)
    {
        var catalog = await OpenAsync();
        IReadOnlyList<ModelSignature> signatures = signature?.Split('|') is [var keyId, var algorithm, var value]
            ? [new ModelSignature(keyId, algorithm, value)]
            : [];
        IReadOnlyList<string> tags = tag is null ? [] : [tag];

        var result = await catalog.RegisterAsync(new ModelRegistration(id, digest, null, tags, signatures, sbom), CancellationToken.None);

        Assert.Equal(RegistrationStatus.Invalid, result.Status);
        Assert.Null(result.Model);
        Assert.Equal(ErrorCodes.InvalidParams, result.Rejection?.Code);
        Assert.StartsWith(field + ": ", result.Rejection!.Message, StringComparison.Ordinal);
        Assert.Empty(catalog.All);
        Assert.Equal(0, _store.Writes);
    }

    [Fact]
    public async Task Each_list_field_and_the_sbom_have_a_limit_and_its_edge_is_fine()
    {
        var catalog = await OpenAsync();
        var signature = new ModelSignature("k", SignatureAlgorithms.EcdsaP256Sha256, "AAEC");
        string Sbom(int bytes) => "{\"x\":\"" + new string('a', bytes - 8) + "\"}";

        var tags = await catalog.RegisterAsync(new ModelRegistration("t", Tags: [.. Enumerable.Range(0, 65).Select(i => $"t{i}")]), CancellationToken.None);
        var signatures = await catalog.RegisterAsync(new ModelRegistration("s", Signatures: [.. Enumerable.Repeat(signature, 17)]), CancellationToken.None);
        var longValue = await catalog.RegisterAsync(new ModelRegistration("v", Signatures: [signature with { Value = new string('A', 2052) }]), CancellationToken.None);
        var sbom = await catalog.RegisterAsync(new ModelRegistration("b", SbomJson: Sbom(256 * 1024 + 1)), CancellationToken.None);
        var edges = await catalog.RegisterAsync(new ModelRegistration("edges",
            Tags: [.. Enumerable.Range(0, 64).Select(i => $"t{i}")], Signatures: [.. Enumerable.Repeat(signature with { Value = new string('A', 2048) }, 16)],
            SbomJson: Sbom(256 * 1024)), CancellationToken.None);

        Assert.StartsWith("tags: 65 tags; at most 64", tags.Rejection?.Message, StringComparison.Ordinal);
        Assert.StartsWith("signatures: 17 signatures; at most 16", signatures.Rejection?.Message, StringComparison.Ordinal);
        Assert.StartsWith("signatures[0].value: ", longValue.Rejection?.Message, StringComparison.Ordinal);
        Assert.StartsWith("sbom: 262145 bytes", sbom.Rejection?.Message, StringComparison.Ordinal);
        Assert.Equal(RegistrationStatus.Created, edges.Status);
    }

    [Fact]
    public async Task Listing_pages_by_id_and_neither_repeats_nor_skips_entries_added_or_removed_between_pages()
    {
        var catalog = await OpenAsync();
        foreach (var id in new[] { "a", "c", "e", "g", "i" }) await catalog.RegisterAsync(new ModelRegistration(id), CancellationToken.None);

        var first = catalog.List(null, 2);
        await catalog.RegisterAsync(new ModelRegistration("b"), CancellationToken.None);
        await catalog.RegisterAsync(new ModelRegistration("d"), CancellationToken.None);
        await catalog.RemoveAsync("e", CancellationToken.None);
        var second = catalog.List(first.NextAfter, 2);
        var last = catalog.List(second.NextAfter, 2);

        Assert.Equal(["a", "c"], first.Models.Select(m => m.Id));
        Assert.Equal("c", first.NextAfter);
        Assert.Equal(["d", "g"], second.Models.Select(m => m.Id));
        Assert.Equal("g", second.NextAfter);
        Assert.Equal(["i"], last.Models.Select(m => m.Id));
        Assert.Null(last.NextAfter);
        Assert.Null(catalog.List(null, 10).NextAfter);
    }

    [Fact]
    public async Task An_id_of_129_characters_is_too_long_and_one_of_128_is_fine()
    {
        var catalog = await OpenAsync();

        var tooLong = await catalog.RegisterAsync(new ModelRegistration(new string('a', 129)), CancellationToken.None);
        var longest = await catalog.RegisterAsync(new ModelRegistration(new string('a', 128)), CancellationToken.None);

        Assert.StartsWith("id: ", tooLong.Rejection?.Message, StringComparison.Ordinal);
        Assert.Equal(RegistrationStatus.Created, longest.Status);
    }

    [Fact]
    public async Task A_digest_in_upper_case_hex_is_stored_in_lower_case_and_defaults_fill_the_rest()
    {
        var catalog = await OpenAsync();

        var result = await catalog.RegisterAsync(new ModelRegistration("org.model:q4_0", "sha256:" + Digest["sha256:".Length..].ToUpperInvariant()), CancellationToken.None);

        var model = Assert.IsType<CatalogModel>(result.Model);
        Assert.Equal(Digest, model.Digest);
        Assert.Equal(TrustPolicy.Default, model.TrustPolicy);
        Assert.Equal(TrustMode.Permissive, model.TrustPolicy.Mode);
        Assert.Empty(model.Tags);
        Assert.Empty(model.Signatures);
        Assert.Equal("org.model:q4_0", model.ModelRef);
    }

    [Fact]
    public async Task A_retired_model_is_refused_by_id_and_by_source_url_until_it_is_active_again()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration(), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(3));

        var retired = await catalog.SetStateAsync("stories", CatalogState.Retired, CancellationToken.None);

        Assert.Equal(CatalogState.Retired, retired?.Model.State);
        Assert.True(retired?.Changed);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), retired?.Model.UpdatedMs);
        Assert.Equal(CatalogState.Retired, _store.Rows["stories"].State);
        foreach (var modelRef in new[] { "stories", Source })
        {
            var rejection = catalog.AdmissionCheck(modelRef);
            Assert.Equal(ErrorCodes.ModelDeprecated, rejection?.Code);
            Assert.False(rejection?.Retriable);
            Assert.Contains("POST /v1/catalog/models/stories/state", rejection?.Message, StringComparison.Ordinal);
        }

        Assert.True((await catalog.SetStateAsync("stories", CatalogState.Active, CancellationToken.None))?.Changed);
        Assert.Null(catalog.AdmissionCheck("stories"));
    }

    [Fact]
    public async Task Setting_the_state_an_entry_has_already_is_reported_as_no_change()
    {
        var catalog = await OpenAsync();
        var registered = (await catalog.RegisterAsync(Registration(), CancellationToken.None)).Model!;
        _time.Advance(TimeSpan.FromSeconds(3));

        var again = await catalog.SetStateAsync("stories", CatalogState.Active, CancellationToken.None);

        Assert.False(again?.Changed);
        Assert.Equal(registered.UpdatedMs, again?.Model.UpdatedMs);
    }

    [Fact]
    public async Task Unknown_refs_and_ids_are_not_gated_by_the_catalog()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration(mode: TrustMode.Strict), CancellationToken.None);

        Assert.Null(catalog.AdmissionCheck("sim:fast"));
        Assert.Null(catalog.AdmissionCheck("file:/models/other.gguf"));
        Assert.Null(await catalog.SetStateAsync("missing", CatalogState.Retired, CancellationToken.None));
        Assert.Null(await catalog.RecordVerificationAsync("missing", Verification(VerificationStatus.Verified), CancellationToken.None));
    }

    [Fact]
    public async Task A_strict_model_is_refused_until_it_is_verified()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration(mode: TrustMode.Strict), CancellationToken.None);

        var unverified = catalog.AdmissionCheck("stories");
        Assert.Equal(ErrorCodes.UntrustedArtifact, unverified?.Code);
        Assert.Contains("POST /v1/catalog/models/stories/verify", unverified?.Message, StringComparison.Ordinal);

        await catalog.StartVerificationAsync(catalog.Get("stories")!, CancellationToken.None);
        var pending = catalog.AdmissionCheck(Source);
        Assert.Equal(ErrorCodes.UntrustedArtifact, pending?.Code);
        Assert.True(pending?.Retriable);

        await catalog.RecordVerificationAsync("stories", Verification(VerificationStatus.Failed), CancellationToken.None);
        var failed = catalog.AdmissionCheck("stories");
        Assert.Equal(ErrorCodes.UntrustedArtifact, failed?.Code);
        Assert.Contains("something is wrong", failed?.Message, StringComparison.Ordinal);

        var verified = await catalog.RecordVerificationAsync("stories", Verification(VerificationStatus.Verified), CancellationToken.None);
        Assert.Equal(VerificationStatus.Verified, verified?.Verification.Status);
        Assert.Equal(VerificationStatus.Verified, _store.Rows["stories"].Verification.Status);
        Assert.Null(catalog.AdmissionCheck("stories"));
        Assert.Null(catalog.AdmissionCheck(Source));
    }

    [Theory]
    [InlineData(VerificationStatus.Unverified)]
    [InlineData(VerificationStatus.Pending)]
    [InlineData(VerificationStatus.Failed)]
    public async Task A_permissive_model_may_serve_whatever_its_verification_says_short_of_a_wrong_file(VerificationStatus status)
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration(mode: TrustMode.Permissive), CancellationToken.None);
        if (status != VerificationStatus.Unverified)
            await catalog.RecordVerificationAsync("stories", Verification(status), CancellationToken.None);

        Assert.Equal(status, catalog.Find("stories")?.Verification.Status);
        Assert.Null(catalog.AdmissionCheck("stories"));
    }

    [Theory]
    [InlineData(TrustMode.Permissive)]
    [InlineData(TrustMode.Strict)]
    public async Task A_file_that_does_not_match_its_digest_is_refused_in_every_trust_mode(TrustMode mode)
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration(mode: mode), CancellationToken.None);

        await catalog.RecordVerificationAsync("stories", Verification(VerificationStatus.Failed, mismatch: true), CancellationToken.None);

        var rejection = catalog.AdmissionCheck(Source);
        Assert.Equal(ErrorCodes.UntrustedArtifact, rejection?.Code);
        Assert.Contains(Digest, rejection?.Message, StringComparison.Ordinal);
        Assert.Contains(OtherDigest, rejection?.Message, StringComparison.Ordinal);
        Assert.Contains("POST /v1/catalog/models/stories/verify", rejection?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_verdict_about_an_entry_that_was_registered_anew_meanwhile_is_not_recorded()
    {
        var catalog = await OpenAsync();
        var verified = (await catalog.RegisterAsync(Registration(mode: TrustMode.Strict), CancellationToken.None)).Model!;
        await catalog.RemoveAsync("stories", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await catalog.RegisterAsync(Registration(mode: TrustMode.Strict, source: "file:/models/other.gguf"), CancellationToken.None);

        var recorded = await catalog.RecordVerificationAsync(verified, Verification(VerificationStatus.Verified), CancellationToken.None);

        Assert.Null(recorded);
        Assert.Equal(VerificationStatus.Unverified, catalog.Get("stories")?.Verification.Status);
        Assert.Equal(ErrorCodes.UntrustedArtifact, catalog.AdmissionCheck("stories")?.Code);
    }

    [Fact]
    public async Task A_verdict_about_the_same_registration_is_recorded_even_if_its_state_changed_meanwhile()
    {
        var catalog = await OpenAsync();
        var verified = (await catalog.RegisterAsync(Registration(mode: TrustMode.Strict), CancellationToken.None)).Model!;
        await catalog.SetStateAsync("stories", CatalogState.Retired, CancellationToken.None);

        var recorded = await catalog.RecordVerificationAsync(verified, Verification(VerificationStatus.Verified), CancellationToken.None);

        Assert.Equal(VerificationStatus.Verified, recorded?.Verification.Status);
        Assert.Equal(CatalogState.Retired, recorded?.State);
        Assert.Equal(VerificationStatus.Verified, _store.Rows["stories"].Verification.Status);
    }

    [Fact]
    public async Task Get_matches_ids_only()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration(), CancellationToken.None);

        Assert.Equal("stories", catalog.Get("stories")?.Id);
        Assert.Null(catalog.Get(Source));
    }

    [Fact]
    public async Task Removing_forgets_the_entry_and_reports_whether_there_was_one()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration(mode: TrustMode.Strict), CancellationToken.None);

        Assert.True(await catalog.RemoveAsync("stories", CancellationToken.None));
        Assert.False(await catalog.RemoveAsync("stories", CancellationToken.None));

        Assert.Null(catalog.Find("stories"));
        Assert.Null(catalog.AdmissionCheck(Source));
        Assert.Empty(_store.Rows);
        Assert.Equal(RegistrationStatus.Created, (await catalog.RegisterAsync(Registration(), CancellationToken.None)).Status);
    }

    [Fact]
    public async Task A_failed_store_write_changes_nothing_that_readers_see()
    {
        var catalog = await OpenAsync();
        var original = (await catalog.RegisterAsync(Registration(mode: TrustMode.Strict), CancellationToken.None)).Model;
        _store.FailWrites = true;

        await Assert.ThrowsAsync<IOException>(() => catalog.RegisterAsync(Registration("second"), CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(() => catalog.SetStateAsync("stories", CatalogState.Retired, CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(() => catalog.RecordVerificationAsync("stories", Verification(VerificationStatus.Verified), CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(() => catalog.RemoveAsync("stories", CancellationToken.None));

        Assert.Null(catalog.Find("second"));
        Assert.Same(original, catalog.Find("stories"));
        Assert.Equal(["stories"], catalog.All.Select(m => m.Id));
        // Still strict and unverified, not retired and not verified.
        Assert.Equal(ErrorCodes.UntrustedArtifact, catalog.AdmissionCheck("stories")?.Code);
        Assert.Contains("has not been verified", catalog.AdmissionCheck("stories")?.Message, StringComparison.Ordinal);

        _store.FailWrites = false;
        Assert.Equal(CatalogState.Retired, (await catalog.SetStateAsync("stories", CatalogState.Retired, CancellationToken.None))?.Model.State);
    }

    [Fact]
    public async Task Opening_again_on_the_same_store_sees_every_entry_as_it_was_left()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration("a"), CancellationToken.None);
        await catalog.RegisterAsync(Registration("b", mode: TrustMode.Strict), CancellationToken.None);
        await catalog.SetStateAsync("a", CatalogState.Retired, CancellationToken.None);

        var reopened = await OpenAsync();

        Assert.Equal(["a", "b"], reopened.All.Select(m => m.Id));
        Assert.Equal(ErrorCodes.ModelDeprecated, reopened.AdmissionCheck("a")?.Code);
        Assert.Equal(ErrorCodes.UntrustedArtifact, reopened.AdmissionCheck("b")?.Code);
    }

    [Theory]
    [InlineData(TrustMode.Permissive)]
    [InlineData(TrustMode.Strict)]
    public async Task A_recorded_digest_mismatch_stays_in_force_while_a_new_check_runs(TrustMode mode)
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration(mode: mode), CancellationToken.None);
        await catalog.RecordVerificationAsync("stories", Verification(VerificationStatus.Failed, mismatch: true), CancellationToken.None);

        var pending = await catalog.StartVerificationAsync(catalog.Get("stories")!, CancellationToken.None);

        Assert.Equal(VerificationStatus.Pending, pending?.Verification.Status);
        Assert.True(pending?.Verification.DigestMismatch);
        Assert.True(_store.Rows["stories"].Verification.DigestMismatch);
        var refused = catalog.AdmissionCheck("stories");
        Assert.Equal(ErrorCodes.UntrustedArtifact, refused?.Code);
        Assert.Contains(OtherDigest, refused?.Message, StringComparison.Ordinal);
        Assert.False(refused?.Retriable);

        // The new verdict replaces it.
        await catalog.RecordVerificationAsync(pending!, Verification(VerificationStatus.Verified), CancellationToken.None);
        Assert.Null(catalog.AdmissionCheck("stories"));
    }

    [Fact]
    public async Task A_new_check_drops_a_previous_verified_verdict()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration(mode: TrustMode.Strict), CancellationToken.None);
        await catalog.RecordVerificationAsync("stories", Verification(VerificationStatus.Verified), CancellationToken.None);

        var pending = await catalog.StartVerificationAsync(catalog.Get("stories")!, CancellationToken.None);

        Assert.Equal(VerificationStatus.Pending, pending?.Verification.Status);
        Assert.False(pending?.Verification.DigestMismatch);
        Assert.Null(pending?.Verification.ActualDigest);
        Assert.True(catalog.AdmissionCheck("stories")?.Retriable);
    }

    [Fact]
    public async Task A_check_is_not_started_for_an_entry_registered_anew_since_it_was_read()
    {
        var catalog = await OpenAsync();
        var old = (await catalog.RegisterAsync(Registration(), CancellationToken.None)).Model!;
        await catalog.RemoveAsync("stories", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(1));
        await catalog.RegisterAsync(Registration(), CancellationToken.None);

        Assert.Null(await catalog.StartVerificationAsync(old, CancellationToken.None));
        Assert.Equal(VerificationStatus.Unverified, catalog.Get("stories")?.Verification.Status);
    }

    [Fact]
    public async Task Opening_the_catalog_turns_a_check_a_restart_cut_short_into_unverified_keeping_a_mismatch()
    {
        var catalog = await OpenAsync();
        await catalog.RegisterAsync(Registration("wrong", mode: TrustMode.Permissive), CancellationToken.None);
        await catalog.RegisterAsync(Registration("strict", mode: TrustMode.Strict, source: "hf:org/repo/strict.gguf"), CancellationToken.None);
        await catalog.RecordVerificationAsync("wrong", Verification(VerificationStatus.Failed, mismatch: true), CancellationToken.None);
        await catalog.StartVerificationAsync(catalog.Get("wrong")!, CancellationToken.None);
        await catalog.StartVerificationAsync(catalog.Get("strict")!, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(5));

        var reopened = await OpenAsync();

        var wrong = reopened.Get("wrong")!.Verification;
        Assert.Equal(VerificationStatus.Unverified, wrong.Status);
        Assert.True(wrong.DigestMismatch);
        Assert.Equal(ErrorCodes.UntrustedArtifact, reopened.AdmissionCheck("wrong")?.Code);
        Assert.Equal(VerificationStatus.Unverified, reopened.Get("strict")!.Verification.Status);
        var strict = reopened.AdmissionCheck("strict");
        Assert.False(strict?.Retriable);
        Assert.Contains("has not been verified", strict?.Message, StringComparison.Ordinal);
        // Written back, with the time of the change.
        Assert.Equal(VerificationStatus.Unverified, _store.Rows["strict"].Verification.Status);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeMilliseconds(), _store.Rows["strict"].UpdatedMs);
    }
}
