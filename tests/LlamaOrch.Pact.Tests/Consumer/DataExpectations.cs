using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlamaOrch.Client;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Artifacts;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Pact.Tests.Ffi;
using static LlamaOrch.Pact.Tests.Contract.CliPact;

namespace LlamaOrch.Pact.Tests.Consumer;

/// <summary>Sessions, artifacts, the tool audit, and the error envelope of an unknown id.</summary>
internal static class DataExpectations
{
    private const string ExampleArtifact = "sha256:4f8c5e2d1b0a99887766554433221100ffeeddccbbaa00998877665544332211";

    public static IEnumerable<CliExpectation> All()
    {
        yield return new CliExpectation("a session's report", "pact-session-get", i => i
                .Given(SessionHasRun, new JsonObject { ["session_id"] = ReportSession })
                .WithRequest("GET", $"/v1/sessions/{ReportSession}")
                .WillRespondWith(200)
                .WithResponseJson(new JsonObject
                {
                    ["session_id"] = ReportSession,
                    ["ttl_ms_remaining"] = Match.Integer(600000),
                    ["turns"] = Match.Integer(1),
                    ["kv_bytes"] = Match.Integer(0),
                    ["tokens_in_total"] = Match.Integer(4),
                    ["tokens_out_total"] = Match.Integer(8),
                    ["recent_turns"] = Match.EachLike(new JsonObject
                    {
                        ["tokens_in"] = Match.Integer(4), ["tokens_cached"] = Match.Integer(0), ["tokens_out"] = Match.Integer(8), ["kv"] = Match.Like("cold"),
                    }),
                }),
            async client =>
            {
                var session = (await client.GetSessionAsync(ReportSession)).Value;
                Assert.Equal(ReportSession, session.SessionId);
                Assert.True(session.Turns >= 1);
            });

        yield return new CliExpectation("a session deletion", "pact-session-delete", i => i
                .Given(SessionHasRun, new JsonObject { ["session_id"] = ReportSession })
                .WithRequest("DELETE", $"/v1/sessions/{ReportSession}")
                .WillRespondWith(204),
            async client => Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteSessionAsync(ReportSession)).StatusCode));

        yield return new CliExpectation("an unknown session", "pact-not-found", i => i
                .Given(NoSuchSession)
                .WithRequest("GET", $"/v1/sessions/{UnknownSession}")
                .WillRespondWith(404)
                .WithResponseHeader("Content-Type", Match.Regex("^application/json", "application/json; charset=utf-8"))
                .WithResponseJson(TaskExpectations.Error(ErrorCodes.NotFound, "none", "pact-not-found")),
            async client =>
            {
                var missing = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.GetSessionAsync(UnknownSession));
                Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
                Assert.Equal("none", missing.Engine);
                Assert.Equal("pact-not-found", missing.CorrelationId);
            });

        yield return new CliExpectation("an artifact upload", "pact-artifact-put", i => i
                .WithRequest("POST", "/v1/artifacts")
                .WithRequestJson(Bodies.Of(Plan(), ContractsJsonContext.Default.ArtifactRequest))
                .WillRespondWith(201)
                .WithResponseHeader("Location", Match.Regex("^/v1/artifacts/sha256:[0-9a-f]{64}$", $"/v1/artifacts/{ExampleArtifact}"))
                .WithResponseJson(new JsonObject
                {
                    ["id"] = Match.Regex(Match.ArtifactId, ExampleArtifact),
                    ["kind"] = "plan",
                    ["digest"] = Match.Regex(Match.ArtifactId, ExampleArtifact),
                    ["created_ms"] = Match.Integer(1765000000000),
                    ["tags"] = new JsonArray("pact"),
                    ["size_bytes"] = Match.Integer(30),
                }),
            async client =>
            {
                var stored = await client.PutArtifactAsync(Plan());
                Assert.Equal(HttpStatusCode.Created, stored.StatusCode);
                Assert.StartsWith("sha256:", stored.Value.Id, StringComparison.Ordinal);
            });

        yield return new CliExpectation("an artifact", "pact-artifact-get", i => i
                .Given(ArtifactStored)
                .WithRequest("GET", Match.FromProviderState("/v1/artifacts/${artifact_id}", $"/v1/artifacts/{ExampleArtifact}"))
                .WillRespondWith(200)
                .WithResponseJson(new JsonObject
                {
                    ["id"] = Match.Regex(Match.ArtifactId, ExampleArtifact),
                    ["kind"] = "summary",
                    ["digest"] = Match.Regex(Match.ArtifactId, ExampleArtifact),
                    ["created_ms"] = Match.Integer(1765000000000),
                    ["size_bytes"] = Match.Integer(15),
                    ["content"] = Match.Like(new JsonObject { ["text"] = "done" }),
                    ["metadata"] = Match.Like(new JsonObject()),
                }),
            async client =>
            {
                var artifact = (await client.GetArtifactAsync(ExampleArtifact)).Value;
                Assert.Equal("done", artifact.Content.GetProperty("text").GetString());
            });

        yield return new CliExpectation("the refused tool calls", "pact-tool-audit", i => i
                .Given(ToolCallRefused)
                .WithRequest("GET", "/v1/tools/audit")
                .WithQuery("decision", "refused")
                .WithQuery("limit", "10")
                .WillRespondWith(200)
                .WithResponseJson(new JsonObject
                {
                    ["entries"] = Match.EachLike(new JsonObject
                    {
                        ["id"] = Match.Integer(1),
                        ["time"] = Match.Regex(Match.Iso8601, "2026-12-07T08:00:00.000Z"),
                        ["tool"] = Match.Like("http.fetch"),
                        ["decision"] = "refused",
                        ["rule"] = Match.Like("host not allowed"),
                        ["bytes_out"] = Match.Integer(0),
                        ["bytes_in"] = Match.Integer(0),
                    }),
                }),
            async client =>
            {
                var audit = (await client.GetToolAuditAsync(decision: "refused", limit: 10)).Value;
                Assert.All(audit.Entries, e => Assert.Equal("refused", e.Decision));
            });
    }

    private static ArtifactRequest Plan() =>
        new() { Kind = "plan", Content = JsonDocument.Parse("""{"steps":["read","write"]}""").RootElement, Tags = ["pact"] };
}
