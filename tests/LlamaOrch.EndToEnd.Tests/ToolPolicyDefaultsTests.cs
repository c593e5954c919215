using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// With no allow list, loopback stays refused however it is spelled or named: the target listens on 127.0.0.1 and
/// its port is allowed, so only the address-class rule stands between the fetch and an answer.
/// </summary>
public sealed class ToolPolicyDefaultsTests : IAsyncLifetime
{
    private LocalTarget _target = null!;
    private Orchestrator _orchestrator = null!;

    public async Task InitializeAsync()
    {
        _target = await LocalTarget.StartAsync();
        _orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(FastPoolFixture.Model), $"Tools:Http:Ports:0={_target.Port}",
            $"Tools:Search:Url=http://127.0.0.1:{_target.Port}/search"]);
    }

    public async Task DisposeAsync()
    {
        await _orchestrator.DisposeAsync();
        await _target.DisposeAsync();
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("2130706433")]
    [InlineData("0177.0.0.1")]
    [InlineData("0x7f.1")]
    [InlineData("127.1")]
    [InlineData("[::ffff:127.0.0.1]")]
    [InlineData("[::1]")]
    public async Task Loopback_by_name_or_in_any_spelling_is_refused_by_address_class_and_audited(string host)
    {
        var session = Guid.NewGuid().ToString();
        var url = $"http://{host}:{_target.Port.ToString(CultureInfo.InvariantCulture)}/hello";

        var answer = await _orchestrator.Http.PostAsJsonAsync("/v1/tools/http/fetch", new JsonObject { ["method"] = "GET", ["url"] = url, ["session_id"] = session });

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        var error = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!;
        Assert.Equal("TOOL_POLICY_DENIED", error["code"]!.GetValue<string>());
        Assert.Equal("tool-address-class", error["policy_label"]!.GetValue<string>());
        var audit = JsonNode.Parse(await _orchestrator.Http.GetStringAsync($"/v1/tools/audit?session={session}"))!;
        var row = Assert.Single(audit["entries"]!.AsArray())!;
        Assert.Equal("refused", row["decision"]!.GetValue<string>());
        Assert.True(IPAddress.IsLoopback(IPAddress.Parse(row["resolved_address"]!.GetValue<string>())));
    }

    [Fact]
    public async Task A_loopback_search_backend_not_on_the_allow_list_is_refused_by_address_class()
    {
        var session = Guid.NewGuid().ToString();

        var answer = await _orchestrator.Http.PostAsJsonAsync("/v1/tools/search", new JsonObject { ["query"] = "x", ["session_id"] = session });

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        Assert.Equal("tool-address-class", JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["policy_label"]!.GetValue<string>());
        var audit = JsonNode.Parse(await _orchestrator.Http.GetStringAsync($"/v1/tools/audit?session={session}"))!;
        var row = Assert.Single(audit["entries"]!.AsArray())!;
        Assert.Equal("search", row["tool"]!.GetValue<string>());
        Assert.Equal("refused", row["decision"]!.GetValue<string>());
        Assert.Equal(0, row["bytes_out"]!.GetValue<long>()); // the query never left
    }
}
