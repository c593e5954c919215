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
        await ResponseAssert.StatusAsync(HttpStatusCode.OK, response);
    }

    [Fact]
    public async Task Unknown_pools_and_models_are_404()
    {
        using (var health = await Proxy.GetAsync("/v1/pools/nope/health")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, health);
        using (var drain = await Proxy.PostAsync("/v1/pools/nope/drain", "{}")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, drain);
        using (var resume = await Proxy.PostAsync("/v1/pools/nope/resume")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, resume);
        using (var reload = await Proxy.PostAsync("/v1/pools/nope/reload", """{"model_ref":"sim:x"}""")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, reload);
        using (var model = await Proxy.GetAsync("/v1/catalog/models/nope")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, model);
        using (var verify = await Proxy.PostAsync("/v1/catalog/models/nope/verify")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, verify);
        using (var state = await Proxy.PostAsync("/v1/catalog/models/nope/state", """{"state":"Retired"}""")) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, state);
        using (var delete = await Proxy.SendAsync(new HttpRequestMessage(HttpMethod.Delete, "/v1/catalog/models/nope"))) await ResponseAssert.StatusAsync(HttpStatusCode.NotFound, delete);
    }

    [Fact]
    public async Task Bad_control_bodies_are_400_and_415()
    {
        using (var drain = await Proxy.PostAsync("/v1/pools/slow/drain", """{"deadline_ms":-1}""")) await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, drain);
        using (var reload = await Proxy.PostAsync("/v1/pools/slow/reload", "{}")) await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, reload);
        using (var register = await Proxy.PostAsync("/v1/catalog/models", "{}")) await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, register);
        using (var list = await Proxy.GetAsync("/v1/catalog/models?limit=0")) await ResponseAssert.StatusAsync(HttpStatusCode.BadRequest, list);
        using var text = await Proxy.PostAsync("/v1/pools/slow/drain", "{}", "text/plain");
        await ResponseAssert.StatusAsync(HttpStatusCode.UnsupportedMediaType, text);
    }

    [Fact]
    public async Task A_pool_drains_refuses_tasks_and_resumes()
    {
        using (var drain = await Proxy.PostAsync("/v1/pools/slow/drain", """{"deadline_ms":1000}""")) await ResponseAssert.StatusAsync(HttpStatusCode.Accepted, drain);
        using (var health = await Proxy.GetAsync("/v1/pools/slow/health"))
        {
            Assert.True(JsonNode.Parse(await health.Content.ReadAsStringAsync())!["draining"]!.GetValue<bool>());
        }
        // A draining pool refuses new tasks with 503, through the data plane's document.
        using (var refused = await fixture.Data.PostAsync("/v1/tasks", Orchestrator.Task(ConformanceFixture.Slow).ToJsonString()))
        {
            await ResponseAssert.StatusAsync(HttpStatusCode.ServiceUnavailable, refused);
        }
        using var resume = await Proxy.PostAsync("/v1/pools/slow/resume");
        await ResponseAssert.StatusAsync(HttpStatusCode.Accepted, resume);
    }
}
