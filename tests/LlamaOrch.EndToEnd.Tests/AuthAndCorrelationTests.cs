using System.Net;
using System.Net.Http.Headers;

namespace LlamaOrch.EndToEnd.Tests;

public sealed class AuthAndCorrelationTests(FastPoolFixture fixture) : IClassFixture<FastPoolFixture>
{
    private Orchestrator Orchestrator => fixture.Orchestrator;

    [Fact]
    public async Task Health_needs_no_token()
    {
        using var anonymous = new HttpClient { BaseAddress = Orchestrator.Address };
        using var response = await anonymous.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"ready\":true", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_missing_token_is_401_and_a_wrong_one_403_in_the_envelope()
    {
        using var anonymous = new HttpClient { BaseAddress = Orchestrator.Address };
        using var missing = await anonymous.PostAsync("/v1/tasks", null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Equal("UNAUTHORIZED", (await Orchestrator.ErrorOf(missing))["code"]!.GetValue<string>());

        foreach (var (name, value) in new[] { ("Authorization", "Bearer    "), ("x-api-key", "  ") })
        {
            using var blank = new HttpRequestMessage(HttpMethod.Post, "/v1/tasks");
            blank.Headers.TryAddWithoutValidation(name, value); // an empty environment variable in a client's config
            using var blankAnswer = await anonymous.SendAsync(blank);
            Assert.Equal(HttpStatusCode.Unauthorized, blankAnswer.StatusCode);
            Assert.Equal("Bearer", blankAnswer.Headers.WwwAuthenticate.Single().Scheme);
        }

        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        using var wrong = await anonymous.GetAsync($"/v1/tasks/{Guid.NewGuid()}/stream");
        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        var envelope = await Orchestrator.ErrorOf(wrong);
        Assert.Equal("FORBIDDEN", envelope["code"]!.GetValue<string>());
        Assert.Equal(wrong.Headers.GetValues("X-Correlation-Id").Single(), envelope["correlation_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_correlation_id_is_echoed_on_every_kind_of_response()
    {
        var body = Orchestrator.Task(FastPoolFixture.Model);
        using var accepted = await Orchestrator.SubmitAsync(body, "corr-accepted");
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("corr-accepted", accepted.Headers.GetValues("X-Correlation-Id").Single());

        using var invalid = await Orchestrator.PostRawAsync("/v1/tasks", "{", "corr-invalid");
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Equal("corr-invalid", invalid.Headers.GetValues("X-Correlation-Id").Single());
        Assert.Equal("corr-invalid", (await Orchestrator.ErrorOf(invalid))["correlation_id"]!.GetValue<string>());

        var stream = new HttpRequestMessage(HttpMethod.Get, $"/v1/tasks/{body["task_id"]}/stream");
        stream.Headers.Add("X-Correlation-Id", "corr-stream");
        using var streamed = await Orchestrator.Http.SendAsync(stream, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", streamed.Content.Headers.ContentType!.MediaType);
        Assert.Equal("corr-stream", streamed.Headers.GetValues("X-Correlation-Id").Single());

        var missing = new HttpRequestMessage(HttpMethod.Post, $"/v1/tasks/{Guid.NewGuid()}/cancel");
        missing.Headers.Add("X-Correlation-Id", "corr-404");
        using var notFound = await Orchestrator.Http.SendAsync(missing);
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("corr-404", notFound.Headers.GetValues("X-Correlation-Id").Single());
    }

    [Fact]
    public async Task A_correlation_id_is_made_when_the_client_sends_none()
    {
        using var response = await Orchestrator.Http.GetAsync("/v1/no-such-endpoint");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var id = response.Headers.GetValues("X-Correlation-Id").Single();
        Assert.True(Guid.TryParse(id, out _));
        var envelope = await Orchestrator.ErrorOf(response);
        Assert.Equal("NOT_FOUND", envelope["code"]!.GetValue<string>());
        Assert.Equal(id, envelope["correlation_id"]!.GetValue<string>());
    }
}
