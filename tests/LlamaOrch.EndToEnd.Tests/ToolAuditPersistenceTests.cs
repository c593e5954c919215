using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Server.Tools;
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

    [Theory]
    [InlineData("https://user:pw@example.com/a?token=abc&page=2", "https://example.com/a?token=REDACTED&page=2")]
    [InlineData("https://example.com/?X-Amz-Signature=f00&X-Amz-Credential=k&id=7", "https://example.com/?X-Amz-Signature=REDACTED&X-Amz-Credential=REDACTED&id=7")]
    [InlineData("https://example.com/cb?code=xyz&state=1", "https://example.com/cb?code=REDACTED&state=1")]
    [InlineData("https://example.com/p?q=cats", "https://example.com/p?q=cats")]
    public void Urls_are_audited_without_their_secrets(string url, string audited)
    {
        Assert.Equal(audited, UrlRedaction.Redact(new Uri(url)));
    }
}
