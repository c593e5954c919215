using LlamaOrch.Contracts.Tools;
using Microsoft.Data.Sqlite;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// Every tool call, allowed or refused, in <c>tool-audit.db</c> in the data directory (WAL, so a crash keeps
/// what was committed). Writes are serialised by one gate; reads page newest first by row id.
/// </summary>
internal sealed class ToolAuditLog
{
    public const string FileName = "tool-audit.db";
    public const int MaxPage = 500;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public ToolAuditLog(string dataDir)
    {
        Directory.CreateDirectory(dataDir);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDir, FileName), Pooling = true }.ToString();
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode = WAL;
            CREATE TABLE IF NOT EXISTS tool_calls (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time_ms INTEGER NOT NULL,
                correlation_id TEXT,
                session_id TEXT,
                tool TEXT NOT NULL,
                method TEXT,
                url TEXT,
                resolved_address TEXT,
                decision TEXT NOT NULL,
                rule TEXT NOT NULL,
                status INTEGER,
                bytes_out INTEGER NOT NULL,
                bytes_in INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS tool_calls_session ON tool_calls (session_id);
            """;
        command.ExecuteNonQuery();
        AddColumnsOfLaterVersions(connection);
    }

    /// <summary>A log written before the door and the reason were kept gains their columns; its old rows have neither.</summary>
    private static void AddColumnsOfLaterVersions(SqliteConnection connection)
    {
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var info = connection.CreateCommand())
        {
            info.CommandText = "SELECT name FROM pragma_table_info('tool_calls')";
            using var reader = info.ExecuteReader();
            while (reader.Read()) columns.Add(reader.GetString(0));
        }
        foreach (var column in new[] { "door", "reason" })
        {
            if (columns.Contains(column)) continue;
            using var alter = connection.CreateCommand();
            alter.CommandText = $"ALTER TABLE tool_calls ADD COLUMN {column} TEXT";
            alter.ExecuteNonQuery();
        }
    }

    public async Task AppendAsync(ToolAuditEntry entry)
    {
        await _gate.WaitAsync();
        try
        {
            await using var connection = Open();
            await using var command = connection.CreateCommand();
            command.CommandText = """
                INSERT INTO tool_calls (time_ms, correlation_id, session_id, tool, method, url, resolved_address, decision, rule, status, bytes_out, bytes_in, door, reason)
                VALUES ($time, $correlation, $session, $tool, $method, $url, $address, $decision, $rule, $status, $out, $in, $door, $reason)
                """;
            command.Parameters.AddWithValue("$time", entry.Time.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$correlation", (object?)entry.CorrelationId ?? DBNull.Value);
            command.Parameters.AddWithValue("$session", (object?)entry.SessionId ?? DBNull.Value);
            command.Parameters.AddWithValue("$tool", entry.Tool);
            command.Parameters.AddWithValue("$method", (object?)entry.Method ?? DBNull.Value);
            command.Parameters.AddWithValue("$url", (object?)entry.Url ?? DBNull.Value);
            command.Parameters.AddWithValue("$address", (object?)entry.ResolvedAddress ?? DBNull.Value);
            command.Parameters.AddWithValue("$decision", entry.Decision);
            command.Parameters.AddWithValue("$rule", entry.Rule);
            command.Parameters.AddWithValue("$status", (object?)entry.Status ?? DBNull.Value);
            command.Parameters.AddWithValue("$out", entry.BytesOut);
            command.Parameters.AddWithValue("$in", entry.BytesIn);
            command.Parameters.AddWithValue("$door", (object?)entry.Door ?? DBNull.Value);
            command.Parameters.AddWithValue("$reason", (object?)entry.Reason ?? DBNull.Value);
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <param name="before">The cursor: only rows with a smaller id (older); null for the newest.</param>
    public async Task<ToolAuditResponse> QueryAsync(ToolAuditFilter filter, long? before, int limit, CancellationToken cancellation)
    {
        await using var connection = Open();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, time_ms, correlation_id, session_id, tool, method, url, resolved_address, decision, rule, status, bytes_out, bytes_in, door, reason
            FROM tool_calls
            WHERE ($decision IS NULL OR decision = $decision) AND ($session IS NULL OR session_id = $session)
              AND ($tool IS NULL OR tool = $tool) AND ($door IS NULL OR door = $door)
              AND ($since IS NULL OR time_ms >= $since) AND ($before IS NULL OR id < $before)
            ORDER BY id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$decision", (object?)filter.Decision ?? DBNull.Value);
        command.Parameters.AddWithValue("$session", (object?)filter.Session ?? DBNull.Value);
        command.Parameters.AddWithValue("$tool", (object?)filter.Tool ?? DBNull.Value);
        command.Parameters.AddWithValue("$door", (object?)filter.Door ?? DBNull.Value);
        command.Parameters.AddWithValue("$since", (object?)filter.Since?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("$before", (object?)before ?? DBNull.Value);
        // One more than asked says whether another page follows.
        command.Parameters.AddWithValue("$limit", limit + 1);
        var entries = new List<ToolAuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
        {
            entries.Add(new ToolAuditEntry(
                reader.GetInt64(0),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                Text(reader, 2), Text(reader, 3), reader.GetString(4), Text(reader, 5), Text(reader, 6), Text(reader, 7),
                reader.GetString(8), reader.GetString(9),
                reader.IsDBNull(10) ? null : reader.GetInt32(10),
                reader.GetInt64(11), reader.GetInt64(12), Text(reader, 13), Text(reader, 14)));
        }
        if (entries.Count <= limit) return new ToolAuditResponse(entries, null);
        entries.RemoveAt(limit);
        return new ToolAuditResponse(entries, entries[^1].Id);
    }

    private static string? Text(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }
}
