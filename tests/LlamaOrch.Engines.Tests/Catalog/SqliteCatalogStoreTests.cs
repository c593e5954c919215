using LlamaOrch.Testing;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Engines.Catalog;
using Microsoft.Data.Sqlite;

namespace LlamaOrch.Engines.Tests.Catalog;

public sealed class SqliteCatalogStoreTests : IDisposable
{
    private const string Digest = "sha256:270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d";
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string DataDir => _temp.Combine("data", "nested");

    private Task<SqliteCatalogStore> OpenAsync() => SqliteCatalogStore.OpenAsync(DataDir, CancellationToken.None);

    /// <summary>Every field set, with text that would break SQL built by concatenation.</summary>
    private static CatalogModel Full() => new(
        "org/model:q4_0",
        Digest,
        "file:/models/it's \"quoted\"'); DROP TABLE models;--.gguf",
        ["tiny", "ünïcode", "with,comma"],
        [
            new ModelSignature("release-2025", SignatureAlgorithms.EcdsaP256Sha256, "AAECAwQ="),
            new ModelSignature("backup", SignatureAlgorithms.RsaPssSha256, "BQYH"),
        ],
        """{"bomFormat":"CycloneDX","components":[{"name":"weights"}]}""",
        new TrustPolicy(TrustMode.Strict, RequireSignature: true, RequireSbom: true),
        CatalogState.Retired,
        1_700_000_000_000,
        1_700_000_123_456,
        new ModelVerification(VerificationStatus.Failed, 1_700_000_123_000, "sha256:" + new string('a', 64),
            ["the file has another digest", "signature by key 'x' does not verify"], ["no SBOM"], DigestMismatch: true));

    [Fact]
    public async Task Entries_come_back_exactly_as_they_were_stored_even_after_a_new_store_opens_the_folder()
    {
        var full = Full();
        var minimal = CatalogModels.Entry("minimal");
        var store = await OpenAsync();
        Assert.True(await store.TryInsertAsync(full, CancellationToken.None));
        Assert.True(await store.TryInsertAsync(minimal, CancellationToken.None));

        var loaded = await store.LoadAllAsync(CancellationToken.None);
        var reopened = await (await OpenAsync()).LoadAllAsync(CancellationToken.None);

        foreach (var models in new[] { loaded, reopened })
        {
            Assert.Equal(["minimal", "org/model:q4_0"], models.Select(m => m.Id));
            CatalogModels.AssertEquivalent(minimal, models[0]);
            CatalogModels.AssertEquivalent(full, models[1]);
        }
        Assert.Equal(Path.Combine(DataDir, SqliteCatalogStore.FileName), store.Path);
        Assert.True(File.Exists(store.Path));
    }

    [Fact]
    public async Task Inserting_an_existing_id_writes_nothing_and_says_so()
    {
        var store = await OpenAsync();
        await store.TryInsertAsync(CatalogModels.Entry("m", sourceUrl: "file:/first.gguf"), CancellationToken.None);

        Assert.False(await store.TryInsertAsync(CatalogModels.Entry("m", sourceUrl: "file:/second.gguf"), CancellationToken.None));

        var only = Assert.Single(await store.LoadAllAsync(CancellationToken.None));
        Assert.Equal("file:/first.gguf", only.SourceUrl);
    }

    [Fact]
    public async Task Updates_and_deletes_last_across_a_restart_and_report_a_missing_id()
    {
        var store = await OpenAsync();
        var original = CatalogModels.Entry("m", Digest);
        await store.TryInsertAsync(original, CancellationToken.None);
        await store.TryInsertAsync(CatalogModels.Entry("gone"), CancellationToken.None);
        var changed = original with
        {
            State = CatalogState.Retired,
            UpdatedMs = 2_000,
            Verification = new ModelVerification(VerificationStatus.Verified, 1_999, Digest, [], ["no SBOM"], false),
        };

        Assert.True(await store.UpdateAsync(changed, CancellationToken.None));
        Assert.False(await store.UpdateAsync(CatalogModels.Entry("never"), CancellationToken.None));
        Assert.True(await store.DeleteAsync("gone", CancellationToken.None));
        Assert.False(await store.DeleteAsync("gone", CancellationToken.None));

        var after = Assert.Single(await (await OpenAsync()).LoadAllAsync(CancellationToken.None));
        CatalogModels.AssertEquivalent(changed, after);
    }

    [Fact]
    public async Task A_catalog_opened_on_the_folder_again_sees_what_the_previous_one_wrote()
    {
        var time = TimeProvider.System;
        var first = await ModelCatalog.OpenAsync(await OpenAsync(), time, CancellationToken.None);
        await first.RegisterAsync(new ModelRegistration("kept", Digest, TrustPolicy: new TrustPolicy(TrustMode.Strict)), CancellationToken.None);
        await first.RegisterAsync(new ModelRegistration("retired"), CancellationToken.None);
        await first.SetStateAsync("retired", CatalogState.Retired, CancellationToken.None);

        var second = await ModelCatalog.OpenAsync(await OpenAsync(), time, CancellationToken.None);

        Assert.Equal(["kept", "retired"], second.All.Select(m => m.Id));
        Assert.Equal(TrustMode.Strict, second.Find("kept")?.TrustPolicy.Mode);
        Assert.Equal("MODEL_DEPRECATED", second.AdmissionCheck("retired")?.Code);
        Assert.Equal("UNTRUSTED_ARTIFACT", second.AdmissionCheck("kept")?.Code);
    }

    [Fact]
    public async Task The_file_has_schema_version_1_and_a_wal_journal()
    {
        var store = await OpenAsync();

        await using var connection = new SqliteConnection($"Data Source={store.Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_file_from_a_newer_schema_is_refused_rather_than_misread()
    {
        var store = await OpenAsync();
        await using (var connection = new SqliteConnection($"Data Source={store.Path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 2";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(OpenAsync);

        Assert.Contains(store.Path, error.Message, StringComparison.Ordinal);
        Assert.Contains("schema version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_with_an_unknown_state_is_reported_with_its_id_and_column()
    {
        var store = await OpenAsync();
        await store.TryInsertAsync(CatalogModels.Entry("odd"), CancellationToken.None);
        await using (var connection = new SqliteConnection($"Data Source={store.Path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE models SET state = 'archived'";
            await command.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.LoadAllAsync(CancellationToken.None));

        Assert.Contains("'odd'", error.Message, StringComparison.Ordinal);
        Assert.Contains("state", error.Message, StringComparison.Ordinal);
        Assert.Contains("archived", error.Message, StringComparison.Ordinal);
    }
}
