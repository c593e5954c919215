using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Catalog;
using LlamaOrch.Contracts.Control;
using LlamaOrch.Pact.Tests.Ffi;
using static LlamaOrch.Pact.Tests.Contract.CliPact;

namespace LlamaOrch.Pact.Tests.Consumer;

/// <summary>What <c>llorch caps</c> and the operator commands rely on: capabilities, drain, reload, the catalog.</summary>
internal static class ControlExpectations
{
    private const string ExampleSource = "/models/pact-new-model.gguf";

    public static IEnumerable<CliExpectation> All()
    {
        yield return new CliExpectation("the capabilities", "pact-caps", i => i
                .Given(FastPoolServes)
                .WithRequest("GET", "/v1/capabilities")
                .WillRespondWith(200)
                .WithResponseJson(new JsonObject
                {
                    ["api_version"] = Match.Regex(@"^\d+\.\d+\.\d+", "1.0.0"),
                    ["engines"] = Match.EachLike(new JsonObject
                    {
                        ["engine"] = Match.Like("llamacpp"),
                        ["engine_version"] = Match.Like("sim"),
                        ["pool_id"] = Match.Like("fast"),
                        ["model"] = Match.Like(FastModel),
                        ["ready"] = Match.Like(true),
                        ["ctx_max"] = Match.Integer(512),
                        ["max_tokens_out"] = Match.Integer(512),
                        ["supported_workloads"] = Match.EachLike("completion"),
                        ["slots"] = Match.Integer(4),
                        ["replicas"] = Match.Integer(1),
                        ["rate_limits"] = new JsonObject { ["queue_capacity"] = Match.Integer(64), ["full_policy"] = Match.Like("reject") },
                    }),
                }),
            async client =>
            {
                var caps = (await client.GetCapabilitiesAsync()).Value;
                var engine = Assert.Single(caps.Engines);
                Assert.Equal("fast", engine.PoolId);
                Assert.Equal(64, engine.RateLimits.QueueCapacity);
                Assert.Equal(["completion"], engine.SupportedWorkloads);
            });

        yield return new CliExpectation("a pool drain", "pact-drain", i => i
                .Given(DrainablePoolAdmits)
                .WithRequest("POST", $"/v1/pools/{DrainablePool}/drain")
                .WithRequestJson(Bodies.Of(new DrainRequest { DeadlineMs = 1000 }, ContractsJsonContext.Default.DrainRequest))
                .WillRespondWith(202)
                .WithResponseJson(new JsonObject { ["pool_id"] = DrainablePool, ["draining"] = true, ["deadline_ms"] = Match.Integer(1000) }),
            async client =>
            {
                var drained = (await client.DrainPoolAsync(DrainablePool, 1000)).Value;
                Assert.True(drained.Draining);
            });

        yield return new CliExpectation("a pool reload", "pact-reload", i => i
                .Given(ReloadablePoolServesR)
                .WithRequest("POST", $"/v1/pools/{ReloadablePool}/reload")
                .WithRequestJson(Bodies.Of(new ReloadRequest { NewModelRef = ReloadedModel }, ContractsJsonContext.Default.ReloadRequest))
                .WillRespondWith(202)
                .WithResponseJson(new JsonObject
                {
                    ["pool_id"] = ReloadablePool,
                    ["model_ref"] = ReloadedModel,
                    ["replicas"] = Match.EachLike("r-r1"),
                    ["stopping"] = Match.Like(new JsonArray()),
                }),
            async client =>
            {
                var reloaded = (await client.ReloadPoolAsync(ReloadablePool, ReloadedModel)).Value;
                Assert.Equal(ReloadedModel, reloaded.ModelRef);
            });

        yield return new CliExpectation("a model registration", "pact-catalog-add", i => i
                .Given(ModelFileInRoot, new JsonObject { ["model_id"] = NewCatalogModel })
                .WithRequest("POST", "/v1/catalog/models")
                .WithRequestJson(Registration())
                .WillRespondWith(201)
                .WithResponseHeader("Location", $"/v1/catalog/models/{NewCatalogModel}")
                .WithResponseJson(Model(NewCatalogModel, "Active")),
            async client =>
            {
                var added = (await client.RegisterModelAsync(new CatalogModelRequest { Id = NewCatalogModel, SourceUrl = ExampleSource, Tags = ["pact"] })).Value;
                Assert.Equal(NewCatalogModel, added.Id);
            });

        yield return new CliExpectation("a catalog model", "pact-catalog-get", i => i
                .Given(CatalogHoldsModel)
                .WithRequest("GET", $"/v1/catalog/models/{CatalogModel}")
                .WillRespondWith(200)
                .WithResponseJson(Model(CatalogModel, "Active")),
            async client => Assert.Equal("Active", (await client.GetModelAsync(CatalogModel)).Value.State));

        yield return new CliExpectation("the catalog's first page", "pact-catalog-list", i => i
                .Given(CatalogHoldsModel)
                .WithRequest("GET", "/v1/catalog/models")
                .WithQuery("limit", "20")
                .WillRespondWith(200)
                .WithResponseJson(new JsonObject { ["models"] = Match.EachLike(Model(CatalogModel, null)) }),
            async client => Assert.NotEmpty((await client.ListModelsAsync(limit: 20)).Value.Models));

        yield return new CliExpectation("a model verification", "pact-catalog-verify", i => i
                .Given(CatalogHoldsModel)
                .WithRequest("POST", $"/v1/catalog/models/{CatalogModel}/verify")
                .WillRespondWith(202)
                .WithResponseJson(new JsonObject { ["id"] = CatalogModel, ["status"] = Match.Regex("^(pending|verified|failed|unverified)$", "pending") }),
            async client => Assert.Equal(CatalogModel, (await client.VerifyModelAsync(CatalogModel)).Value.Id));

        yield return new CliExpectation("a model retirement", "pact-catalog-state", i => i
                .Given(CatalogHoldsModel)
                .WithRequest("POST", $"/v1/catalog/models/{CatalogModel}/state")
                .WithRequestJson(Bodies.Of(new StateRequest { State = "Retired" }, ContractsJsonContext.Default.StateRequest))
                .WillRespondWith(202)
                .WithResponseJson(new JsonObject { ["id"] = CatalogModel, ["state"] = "Retired", ["pools"] = Match.Like(new JsonArray()) }),
            async client => Assert.Equal("Retired", (await client.SetModelStateAsync(CatalogModel, "Retired")).Value.State));

        yield return new CliExpectation("a model deletion", "pact-catalog-delete", i => i
                .Given(CatalogHoldsModel)
                .WithRequest("DELETE", $"/v1/catalog/models/{CatalogModel}")
                .WillRespondWith(204),
            async client => Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteModelAsync(CatalogModel)).StatusCode));
    }

    /// <summary>The file is the provider's: its state handler answers the path, which the verifier puts in the request.</summary>
    private static JsonObject Registration()
    {
        var body = Bodies.Of(new CatalogModelRequest { Id = NewCatalogModel, SourceUrl = ExampleSource, Tags = ["pact"] }, ContractsJsonContext.Default.CatalogModelRequest);
        body["source_url"] = Match.FromProviderState("${source_url}", ExampleSource);
        return body;
    }

    private static JsonObject Model(string id, string? state) => new()
    {
        ["id"] = id,
        ["source_url"] = Match.Like("/models/pact.gguf"),
        ["tags"] = Match.Like(new JsonArray()),
        ["state"] = state is null ? Match.Regex("^(Active|Retired)$", "Active") : state,
        ["created_ms"] = Match.Integer(1765000000000),
        ["verification"] = new JsonObject { ["status"] = Match.Regex("^(pending|verified|failed|unverified)$", "pending") },
        ["pools"] = Match.Like(new JsonArray()),
    };
}
