using System.Globalization;
using System.Text.Json;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Engines.Persistence;
using Microsoft.Data.Sqlite;

namespace LlamaOrch.Engines.Catalog;

/// <summary>
/// The catalog in one SQLite file, <c>catalog.db</c>, in the orchestrator's data directory: one row per
/// entry, list fields as JSON text. The schema version is <c>PRAGMA user_version</c>; the journal is WAL so a
/// crash mid-write leaves the last committed state.
/// </summary>
public sealed class SqliteCatalogStore : ICatalogStore
{
    public const string FileName = "catalog.db";

    /// <summary>The schema this code reads and writes; a newer file is refused rather than misread.</summary>
    internal const int SchemaVersion = 1;

    private const string Columns =
        "id, digest, source_url, tags, signatures, sbom, trust_mode, require_signature, require_sbom, state, " +
        "created_ms, updated_ms, verification_status, verification_checked_ms, verification_actual_digest, " +
        "verification_problems, verification_warnings, verification_digest_mismatch";

    private const string Values =
        "$id, $digest, $source_url, $tags, $signatures, $sbom, $trust_mode, $require_signature, $require_sbom, $state, " +
        "$created_ms, $updated_ms, $verification_status, $verification_checked_ms, $verification_actual_digest, " +
        "$verification_problems, $verification_warnings, $verification_digest_mismatch";

    private const string CreateSchemaV1 = """
        CREATE TABLE models (
            id TEXT NOT NULL PRIMARY KEY,
            digest TEXT,
            source_url TEXT,
            tags TEXT NOT NULL,
            signatures TEXT NOT NULL,
            sbom TEXT,
            trust_mode TEXT NOT NULL,
            require_signature INTEGER NOT NULL,
            require_sbom INTEGER NOT NULL,
            state TEXT NOT NULL,
            created_ms INTEGER NOT NULL,
            updated_ms INTEGER NOT NULL,
            verification_status TEXT NOT NULL,
            verification_checked_ms INTEGER,
            verification_actual_digest TEXT,
            verification_problems TEXT NOT NULL,
            verification_warnings TEXT NOT NULL,
            verification_digest_mismatch INTEGER NOT NULL
        ) STRICT;
        PRAGMA user_version = 1;
        """;

    private readonly string _connectionString;

    private SqliteCatalogStore(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Writes are rare and the catalog is read once, so a pooled handle buys nothing, and without one
            // the file is closed between operations: the folder can be backed up, moved or deleted (tests).
            Pooling = false,
        }.ToString();
    }

    /// <summary>Absolute path of <c>catalog.db</c>.</summary>
    public string Path { get; }

    /// <summary>Opens (creating when needed) <c>catalog.db</c> in <paramref name="dataDirectory"/> and brings its
    /// schema up to date.</summary>
    /// <exception cref="InvalidDataException">The file was written by a newer version, or is not a catalog.</exception>
    public static async Task<SqliteCatalogStore> OpenAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        var directory = System.IO.Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(directory);
        var store = new SqliteCatalogStore(System.IO.Path.Combine(directory, FileName));
        await SqliteFile.MigrateAsync(store._connectionString, store.Path, "catalog", SchemaVersion, CreateSchemaV1, cancellationToken).ConfigureAwait(false);
        return store;
    }

    public async Task<IReadOnlyList<CatalogModel>> LoadAllAsync(CancellationToken cancellationToken)
    {
        var connection = await SqliteFile.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = $"SELECT {Columns} FROM models ORDER BY id";
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var models = new List<CatalogModel>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) models.Add(Read(reader));
                    return models;
                }
            }
        }
    }

    public async Task<bool> TryInsertAsync(CatalogModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        return await ExecuteAsync($"INSERT INTO models ({Columns}) VALUES ({Values}) ON CONFLICT (id) DO NOTHING", model, cancellationToken)
            .ConfigureAwait(false) == 1;
    }

    public async Task<bool> UpdateAsync(CatalogModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        const string sql = """
            UPDATE models SET
                digest = $digest, source_url = $source_url, tags = $tags, signatures = $signatures, sbom = $sbom,
                trust_mode = $trust_mode, require_signature = $require_signature, require_sbom = $require_sbom,
                state = $state, created_ms = $created_ms, updated_ms = $updated_ms,
                verification_status = $verification_status, verification_checked_ms = $verification_checked_ms,
                verification_actual_digest = $verification_actual_digest, verification_problems = $verification_problems,
                verification_warnings = $verification_warnings, verification_digest_mismatch = $verification_digest_mismatch
            WHERE id = $id
            """;
        return await ExecuteAsync(sql, model, cancellationToken).ConfigureAwait(false) == 1;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        var connection = await SqliteFile.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "DELETE FROM models WHERE id = $id";
                command.Parameters.AddWithValue("$id", id);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
            }
        }
    }

    private async Task<int> ExecuteAsync(string sql, CatalogModel model, CancellationToken cancellationToken)
    {
        var connection = await SqliteFile.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = sql;
                Bind(command.Parameters, model);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static void Bind(SqliteParameterCollection parameters, CatalogModel model)
    {
        var verification = model.Verification;
        parameters.AddWithValue("$id", model.Id);
        parameters.AddWithValue("$digest", (object?)model.Digest ?? DBNull.Value);
        parameters.AddWithValue("$source_url", (object?)model.SourceUrl ?? DBNull.Value);
        parameters.AddWithValue("$tags", ToJson(model.Tags));
        parameters.AddWithValue("$signatures", JsonSerializer.Serialize(
            model.Signatures.Select(s => new StoredSignature(s.KeyId, s.Algorithm, s.Value)).ToArray(),
            CatalogJsonContext.Default.StoredSignatureArray));
        parameters.AddWithValue("$sbom", (object?)model.SbomJson ?? DBNull.Value);
        parameters.AddWithValue("$trust_mode", Name(model.TrustPolicy.Mode));
        parameters.AddWithValue("$require_signature", model.TrustPolicy.RequireSignature);
        parameters.AddWithValue("$require_sbom", model.TrustPolicy.RequireSbom);
        parameters.AddWithValue("$state", Name(model.State));
        parameters.AddWithValue("$created_ms", model.CreatedMs);
        parameters.AddWithValue("$updated_ms", model.UpdatedMs);
        parameters.AddWithValue("$verification_status", Name(verification.Status));
        parameters.AddWithValue("$verification_checked_ms", (object?)verification.CheckedMs ?? DBNull.Value);
        parameters.AddWithValue("$verification_actual_digest", (object?)verification.ActualDigest ?? DBNull.Value);
        parameters.AddWithValue("$verification_problems", ToJson(verification.Problems));
        parameters.AddWithValue("$verification_warnings", ToJson(verification.Warnings));
        parameters.AddWithValue("$verification_digest_mismatch", verification.DigestMismatch);
    }

    private CatalogModel Read(SqliteDataReader row)
    {
        var id = row.GetString(0);
        var signatures = FromJson(row, 4, id, CatalogJsonContext.Default.StoredSignatureArray)
            .Select(s => new ModelSignature(s.KeyId, s.Algorithm, s.Value))
            .ToArray();
        var policy = new TrustPolicy(
            Parse(row, 6, id, ParseTrustMode),
            row.GetBoolean(7),
            row.GetBoolean(8));
        var verification = new ModelVerification(
            Parse(row, 12, id, ParseVerificationStatus),
            row.IsDBNull(13) ? null : row.GetInt64(13),
            NullableString(row, 14),
            FromJson(row, 15, id, CatalogJsonContext.Default.StringArray),
            FromJson(row, 16, id, CatalogJsonContext.Default.StringArray),
            row.GetBoolean(17));
        return new CatalogModel(
            id,
            NullableString(row, 1),
            NullableString(row, 2),
            FromJson(row, 3, id, CatalogJsonContext.Default.StringArray),
            signatures,
            NullableString(row, 5),
            policy,
            Parse(row, 9, id, ParseState),
            row.GetInt64(10),
            row.GetInt64(11),
            verification);
    }

    private static string ToJson(IReadOnlyList<string> values) =>
        JsonSerializer.Serialize(values as string[] ?? values.ToArray(), CatalogJsonContext.Default.StringArray);

    private T[] FromJson<T>(SqliteDataReader row, int column, string id, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T[]> type)
    {
        try
        {
            return JsonSerializer.Deserialize(row.GetString(column), type) ?? [];
        }
        catch (JsonException e)
        {
            throw Corrupt(row, column, id, e.Message);
        }
    }

    private T Parse<T>(SqliteDataReader row, int column, string id, Func<string, T?> parse)
        where T : struct =>
        parse(row.GetString(column)) ?? throw Corrupt(row, column, id, $"unknown value '{row.GetString(column)}'");

    private InvalidDataException Corrupt(SqliteDataReader row, int column, string id, string problem) =>
        new($"{Path}: model '{id}', column {row.GetName(column)}: {problem}. The file was changed outside orchestratord; restore it from a backup.");

    private static string? NullableString(SqliteDataReader row, int column) => row.IsDBNull(column) ? null : row.GetString(column);

    // Stored names are spelled out, not taken from the enums, so renaming a member cannot orphan stored rows.
    private static string Name(TrustMode mode) => mode switch
    {
        TrustMode.Strict => "strict",
        TrustMode.Permissive => "permissive",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    private static TrustMode? ParseTrustMode(string text) => text switch
    {
        "strict" => TrustMode.Strict,
        "permissive" => TrustMode.Permissive,
        _ => null,
    };

    private static string Name(CatalogState state) => state switch
    {
        CatalogState.Active => "active",
        CatalogState.Retired => "retired",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, null),
    };

    private static CatalogState? ParseState(string text) => text switch
    {
        "active" => CatalogState.Active,
        "retired" => CatalogState.Retired,
        _ => null,
    };

    private static string Name(VerificationStatus status) => status switch
    {
        VerificationStatus.Unverified => "unverified",
        VerificationStatus.Pending => "pending",
        VerificationStatus.Verified => "verified",
        VerificationStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    private static VerificationStatus? ParseVerificationStatus(string text) => text switch
    {
        "unverified" => VerificationStatus.Unverified,
        "pending" => VerificationStatus.Pending,
        "verified" => VerificationStatus.Verified,
        "failed" => VerificationStatus.Failed,
        _ => null,
    };
}
