using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Contracts.Tools;
using LlamaOrch.Core.Policy;
using LlamaOrch.Server.Tools;
using Microsoft.Data.Sqlite;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

public sealed class ToolAuditPersistenceTests
{
    [Fact]
    public async Task The_audit_log_outlives_a_restart()
    {
        using var dataDir = new TempDirectory();
        var session = Guid.NewGuid().ToString();
        await using (var first = await Orchestrator.StartInAsync(dataDir.Path, true, Orchestrator.Pool(FastPoolFixture.Model)))
        {
            // Refused by address class before any connection: nothing listens there, nothing is reached.
            await first.Http.PostAsJsonAsync("/v1/tools/http/fetch", new JsonObject { ["method"] = "GET", ["url"] = "http://127.0.0.1/", ["session_id"] = session });
        }

        await using var second = await Orchestrator.StartInAsync(dataDir.Path, true, Orchestrator.Pool(FastPoolFixture.Model));
        var audit = JsonNode.Parse(await second.Http.GetStringAsync($"/v1/tools/audit?session={session}"))!;

        var row = Assert.Single(audit["entries"]!.AsArray())!;
        Assert.Equal("tool-address-class", row["rule"]!.GetValue<string>());
        Assert.True(File.Exists(dataDir.Combine(ToolAuditLog.FileName)));
    }

    [Fact]
    public async Task A_log_of_the_first_version_gains_door_and_reason_and_keeps_its_rows()
    {
        using var dataDir = new TempDirectory();
        await using (var old = new SqliteConnection($"Data Source={dataDir.Combine(ToolAuditLog.FileName)};Pooling=false"))
        {
            await old.OpenAsync();
            await using var command = old.CreateCommand();
            // The table as the first version of the log made it: no door, no reason.
            command.CommandText = """
                CREATE TABLE tool_calls (id INTEGER PRIMARY KEY AUTOINCREMENT, time_ms INTEGER NOT NULL, correlation_id TEXT, session_id TEXT,
                    tool TEXT NOT NULL, method TEXT, url TEXT, resolved_address TEXT, decision TEXT NOT NULL, rule TEXT NOT NULL, status INTEGER,
                    bytes_out INTEGER NOT NULL, bytes_in INTEGER NOT NULL);
                INSERT INTO tool_calls (time_ms, tool, decision, rule, bytes_out, bytes_in) VALUES (1, 'http.fetch', 'allowed', 'allowed', 0, 5);
                """;
            await command.ExecuteNonQueryAsync();
        }

        var log = new ToolAuditLog(dataDir.Path);
        await log.AppendAsync(new ToolAuditEntry(0, DateTimeOffset.UnixEpoch, "c", "s", "search", "GET", null, null, "invalid", "invalid-request", null, 0, 0, "mcp", "query: must be a non-empty string"));
        var page = await log.QueryAsync(new ToolAuditFilter(null, null, null, null, null), null, 10, CancellationToken.None);

        Assert.Equal(2, page.Entries.Count);
        Assert.Equal(("mcp", "query: must be a non-empty string"), (page.Entries[0].Door, page.Entries[0].Reason));
        Assert.Equal((null, null, 5L), (page.Entries[1].Door, page.Entries[1].Reason, page.Entries[1].BytesIn));
        Assert.Single((await log.QueryAsync(new ToolAuditFilter("invalid", null, "search", "mcp", null), null, 10, CancellationToken.None)).Entries);
    }

    [Theory]
    [InlineData("https://user:pw@example.com/a?token=abc&page=2", "https://example.com/a?token=REDACTED&page=2")]
    [InlineData("https://example.com/?X-Amz-Signature=f00&X-Amz-Credential=k&id=7", "https://example.com/?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&id=7")]
    [InlineData("https://example.com/cb?code=xyz&state=1", "https://example.com/cb?code=REDACTED&state=1")]
    [InlineData("https://example.com/p?q=cats", "https://example.com/p?q=cats")]
    [InlineData("https://example.com/cb#access_token=abc", "https://example.com/cb")]
    [InlineData("https://example.com/k/sk-ant-abcdefghijklmnopqrstuvwx?q=AKIAABCDEFGHIJKLMNOP", "https://example.com/k/[REDACTED]?q=[REDACTED]")]
    [InlineData("https://example.com/internal-1234", "https://example.com/[REDACTED]")]
    public void Urls_are_audited_without_their_secrets(string url, string audited)
    {
        Assert.Equal(audited, UrlRedaction.Redact(new Uri(url), new SecretRedactor(["internal-[0-9]{4}"])));
    }
}
