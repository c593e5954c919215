using System.Net;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests.Conformance;

/// <summary>control.yaml through Prism (its error envelope and shared answers come from data.yaml by reference).</summary>
[Collection(ConformanceCollection.Name)]
public sealed class ControlPlaneConformanceTests(ConformanceFixture fixture)
{
    private PrismProxy Proxy => fixture.Control;

    [Theory]
    [InlineData("/metrics")]
    [InlineData("/v1/devices")]
    [InlineData("/v1/capabilities")]
    [InlineData("/v1/replicasets")]
    [InlineData("/v1/pools/p/health")]
    [InlineData("/v1/catalog/models")]
    public async Task Read_only_answers_conform(string path)
    {
        using var response = await Proxy.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_pools_and_models_are_404()
    {
        using (var health = await Proxy.GetAsync("/v1/pools/nope/health")) Assert.Equal(HttpStatusCode.NotFound, health.StatusCode);
        using (var drain = await Proxy.PostAsync("/v1/pools/nope/drain", "{}")) Assert.Equal(HttpStatusCode.NotFound, drain.StatusCode);
        using (var resume = await Proxy.PostAsync("/v1/pools/nope/resume")) Assert.Equal(HttpStatusCode.NotFound, resume.StatusCode);
        using (var reload = await Proxy.PostAsync("/v1/pools/nope/reload", """{"model_ref":"sim:x"}""")) Assert.Equal(HttpStatusCode.NotFound, reload.StatusCode);
        using (var model = await Proxy.GetAsync("/v1/catalog/models/nope")) Assert.Equal(HttpStatusCode.NotFound, model.StatusCode);
        using (var verify = await Proxy.PostAsync("/v1/catalog/models/nope/verify")) Assert.Equal(HttpStatusCode.NotFound, verify.StatusCode);
        using (var state = await Proxy.PostAsync("/v1/catalog/models/nope/state", """{"state":"Retired"}""")) Assert.Equal(HttpStatusCode.NotFound, state.StatusCode);
        using (var delete = await Proxy.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/catalog/models/nope"))) Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
    }

    [Fact]
    public async Task Bad_control_bodies_are_400_and_415()
    {
        using (var drain = await Proxy.PostAsync("/v1/pools/slow/drain", """{"deadline_ms":-1}""")) Assert.Equal(HttpStatusCode.BadRequest, drain.StatusCode);
        using (var reload = await Proxy.PostAsync("/v1/pools/slow/reload", "{")) Assert.Equal(HttpStatusCode.BadRequest, reload.StatusCode);
        using (var register = await Proxy.PostAsync("/v1/catalog/models", "{}")) Assert.Equal(HttpStatusCode.BadRequest, register.StatusCode);
        using (var list = await Proxy.GetAsync("/v1/catalog/models?state=nope")) Assert.Equal(HttpStatusCode.BadRequest, list.StatusCode);
        using var text = await Proxy.PostAsync("/v1/pools/slow/drain", "{}", "text/plain");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
    }

    [Fact]
    public async Task A_pool_drains_refuses_tasks_and_resumes()
    {
        using (var drain = await Proxy.PostAsync("/v1/pools/slow/drain", """{"deadline_ms":1000}""")) Assert.Equal(HttpStatusCode.Accepted, drain.StatusCode);
        using (var health = await Proxy.GetAsync("/v1/pools/slow/health"))
        {
            Assert.True(JsonNode.Parse(await health.Content.ReadAsStringAsync())!["draining"]!.GetValue<bool>());
        }
        // A draining pool refuses new tasks with 503, through the data plane's document.
        using (var refused = await fixture.Data.PostAsync("/v1/tasks", Orchestrator.Task(ConformanceFixture.Slow).ToJsonString()))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        }
        using var resume = await Proxy.PostAsync("/v1/pools/slow/resume");
        Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
    }
}
