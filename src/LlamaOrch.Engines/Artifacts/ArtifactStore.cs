using System.Globalization;
using System.Text;
using System.Text.Json;
using LlamaOrch.Core.Artifacts;
using LlamaOrch.Engines.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Artifacts;

/// <summary>
/// Artifacts as files, <c>&lt;hex&gt;.json</c> in one folder (the name is made from the hex digits of the id and
/// nothing else, so no client string reaches a path), indexed in <c>artifacts.db</c> in the data directory.
/// A write goes to a temporary file in the same folder, is flushed to disk, renamed over its final name, and
/// only then gets its index row; <see cref="ReconcileAsync"/>, run once before serving, deletes temporary files, rows whose file is missing and
/// files without a row, so a crash at any point leaves every listed artifact whole and nothing half-written.
/// Thread-safe: each call uses its own connection, and two writers of the same content write the same bytes.
/// </summary>
public sealed class ArtifactStore : IArtifactWriter
{
    public const string IndexFileName = "artifacts.db";
    private const string FileSuffix = ".json";
    private const string TempSuffix = ".tmp";
    private const int SchemaVersion = 1;
    private const string Columns = "seq, id, kind, tags, parent, session, created_ms, size_bytes";

    private const string CreateSchemaV1 = """
        CREATE TABLE artifacts (
            seq INTEGER PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            tags TEXT NOT NULL,
            parent TEXT,
            session TEXT,
            created_ms INTEGER NOT NULL,
            size_bytes INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX artifacts_kind ON artifacts (kind, seq);
        CREATE INDEX artifacts_session ON artifacts (session, seq);
        PRAGMA user_version = 1;
        """;

    private readonly string _connectionString;

    private ArtifactStore(string directory, string indexPath)
    {
        Directory = directory;
        IndexPath = indexPath;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = indexPath, Mode = SqliteOpenMode.ReadWriteCreate }.ToString();
    }

    /// <summary>Absolute path of the folder of artifact files.</summary>
    public string Directory { get; }

    public string IndexPath { get; }

    /// <summary>Opens (creating when needed) the folder and the index; call <see cref="ReconcileAsync"/> before the first write.</summary>
    /// <exception cref="InvalidDataException">The index was written by a newer version, or is not an artifact index.</exception>
    public static async Task<ArtifactStore> OpenAsync(string dataDirectory, string artifactsDirectory, CancellationToken cancellationToken)
    {
        var data = Path.GetFullPath(dataDirectory);
        var folder = Path.GetFullPath(artifactsDirectory);
        System.IO.Directory.CreateDirectory(data);
        System.IO.Directory.CreateDirectory(folder);
        var store = new ArtifactStore(folder, Path.Combine(data, IndexFileName));
        await SqliteFile.MigrateAsync(store._connectionString, store.IndexPath, "artifact index", SchemaVersion, CreateSchemaV1, cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>Stores the document unless it is stored already; answers its row and whether this call stored it.</summary>
    public async Task<(ArtifactRecord Record, bool Created)> PutAsync(ArtifactDocument document, long createdMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (await FindAsync(document.Id, cancellationToken).ConfigureAwait(false) is { } existing) return (existing, false);

        ArtifactIds.TryParse(document.Id, out var hex);
        var temp = Path.Combine(Directory, $"{hex}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(document.Bytes, cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            // Same content, same bytes: replacing a file that a concurrent writer of the same artifact renamed first is harmless.
            File.Move(temp, FilePath(hex), overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        var connection = await SqliteFile.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = """
                    INSERT INTO artifacts (id, kind, tags, parent, session, created_ms, size_bytes)
                    VALUES ($id, $kind, $tags, $parent, $session, $created_ms, $size_bytes) ON CONFLICT (id) DO NOTHING
                    """;
                command.Parameters.AddWithValue("$id", document.Id);
                command.Parameters.AddWithValue("$kind", document.Kind);
                command.Parameters.AddWithValue("$tags", TagsJson(document.Tags));
                command.Parameters.AddWithValue("$parent", (object?)document.Parent ?? DBNull.Value);
                command.Parameters.AddWithValue("$session", (object?)document.Session ?? DBNull.Value);
                command.Parameters.AddWithValue("$created_ms", createdMs);
                command.Parameters.AddWithValue("$size_bytes", document.Bytes.LongLength);
                var created = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
                var record = await FindAsync(document.Id, cancellationToken).ConfigureAwait(false)
                             ?? throw new InvalidOperationException($"artifact {document.Id} vanished from the index right after it was written");
                return (record, created);
            }
        }
    }

    /// <summary>The row of a well-formed id, or null.</summary>
    public async Task<ArtifactRecord?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync($"SELECT {Columns} FROM artifacts WHERE id = $id", [("$id", id)], cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <summary>The stored canonical bytes of an artifact, or null when its file is gone.</summary>
    public async Task<byte[]?> ReadAsync(ArtifactRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!ArtifactIds.TryParse(record.Id, out var hex)) return null;
        try
        {
            return await File.ReadAllBytesAsync(FilePath(hex), cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A page in the order artifacts were stored, oldest first.</summary>
    public async Task<ArtifactPage> ListAsync(ArtifactQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder($"SELECT {Columns} FROM artifacts WHERE seq > $after");
        var parameters = new List<(string, object)> { ("$after", query.After ?? 0), ("$limit", query.Limit + 1) };
        if (query.Kind is not null)
        {
            sql.Append(" AND kind = $kind");
            parameters.Add(("$kind", query.Kind));
        }
        if (query.Session is not null)
        {
            sql.Append(" AND session = $session");
            parameters.Add(("$session", query.Session));
        }
        if (query.Tag is not null)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM json_each(artifacts.tags) WHERE json_each.value = $tag)");
            parameters.Add(("$tag", query.Tag));
        }
        sql.Append(" ORDER BY seq LIMIT $limit");
        var rows = await QueryAsync(sql.ToString(), parameters, cancellationToken).ConfigureAwait(false);
        // One row more than the page tells whether another page follows.
        return rows.Count > query.Limit
            ? new ArtifactPage(rows.Take(query.Limit).ToList(), rows[query.Limit - 1].Seq)
            : new ArtifactPage(rows, null);
    }

    private string FilePath(string hex) => Path.Combine(Directory, hex + FileSuffix);

    /// <summary>Removes what a crash left: temporary files, rows whose file is missing, files without a row.</summary>
    public async Task ReconcileAsync(ILogger logger, CancellationToken cancellationToken)
    {
        // Only names this store makes are touched: the folder may be one the operator also keeps other files in.
        foreach (var temp in System.IO.Directory.EnumerateFiles(Directory, "*" + TempSuffix))
        {
            if (!StartsWithHex(Path.GetFileName(temp))) continue;
            File.Delete(temp);
            logger.LogInformation("Removed the unfinished artifact write {File}", temp);
        }

        var rows = await QueryAsync($"SELECT {Columns} FROM artifacts", [], cancellationToken).ConfigureAwait(false);
        var indexed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            if (ArtifactIds.TryParse(row.Id, out var hex) && File.Exists(FilePath(hex)))
            {
                indexed.Add(hex);
                continue;
            }
            await DeleteRowAsync(row.Id, cancellationToken).ConfigureAwait(false);
            logger.LogWarning("Artifact {Id} was indexed but its file is missing; removed it from the index", row.Id);
        }
        // A file without a row was never acknowledged (the row is inserted before the answer): drop it.
        foreach (var file in System.IO.Directory.EnumerateFiles(Directory, "*" + FileSuffix))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (indexed.Contains(name) || !ArtifactIds.TryParse(ArtifactIds.Prefix + name, out _)) continue;
            File.Delete(file);
            logger.LogInformation("Removed {File}, an artifact file with no index row (its write did not finish)", file);
        }
    }

    /// <summary>True for <c>&lt;64 hex digits&gt;.…</c>, the start of every temporary file name this store makes.</summary>
    private static bool StartsWithHex(string name) =>
        name.IndexOf('.') is var dot && dot > 0 && ArtifactIds.TryParse(ArtifactIds.Prefix + name[..dot], out _);

    private async Task DeleteRowAsync(string id, CancellationToken cancellationToken)
    {
        var connection = await SqliteFile.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = "DELETE FROM artifacts WHERE id = $id";
                command.Parameters.AddWithValue("$id", id);
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<List<ArtifactRecord>> QueryAsync(string sql, IEnumerable<(string Name, object Value)> parameters, CancellationToken cancellationToken)
    {
        var connection = await SqliteFile.OpenAsync(_connectionString, cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var command = connection.CreateCommand();
            await using (command.ConfigureAwait(false))
            {
                command.CommandText = sql;
                foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var rows = new List<ArtifactRecord>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add(new ArtifactRecord(
                            reader.GetInt64(0), reader.GetString(1), reader.GetString(2), ParseTags(reader.GetString(3)),
                            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                            reader.GetInt64(6), reader.GetInt64(7)));
                    }
                    return rows;
                }
            }
        }
    }

    private static string TagsJson(IReadOnlyList<string> tags)
    {
        var text = new StringBuilder();
        CanonicalJson.WriteStringArray(text, tags);
        return text.ToString();
    }

    private static string[] ParseTags(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(tag => tag.GetString()!).ToArray();
    }
}
