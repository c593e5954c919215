using System.Text.Json.Nodes;
using LlamaOrch.Pact.Tests.Contract;
using LlamaOrch.Pact.Tests.Ffi;
using LlamaOrch.Testing;
using Xunit.Abstractions;

namespace LlamaOrch.Pact.Tests.Provider;

/// <summary>
/// The provider side: the committed pact replayed by the Pact verifier against a real orchestratord, each interaction's
/// provider states made real first by <see cref="ProviderStates"/> through the state endpoint.
/// </summary>
public sealed class ProviderVerificationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Orchestratord_honours_the_committed_cli_pact()
    {
        var pactFile = RepoPaths.InRepo(CliPact.CommittedFile);
        Assert.True(File.Exists(pactFile), $"no pact at {pactFile}: the consumer test writes it");

        await using var provider = await ProviderUnderTest.StartAsync();
        var log = new List<string>();
        var states = new ProviderStates(provider, line =>
        {
            lock (log) log.Add(line);
            if (PactLibrary.TraceFile is { } trace) File.AppendAllText(trace + ".states", $"{DateTime.UtcNow:O} {line}\n");
        });
        await using var stateServer = await ProviderStateServer.StartAsync(states);

        using var verifier = new Verifier(CliPact.Provider, provider.Orchestrator.Address)
            .WithPactFile(pactFile)
            .WithProviderStates(stateServer.Url)
            // The token is the provider's, never the pact's: every replayed request carries it.
            .WithHeader("Authorization", $"Bearer {EndToEnd.Tests.Orchestrator.Token}")
            .WithRequestTimeout(TimeSpan.FromSeconds(30));
        // The verifier blocks its thread on its own runtime while it calls back into this process (the state endpoint).
        var outcome = await Task.Run(verifier.Execute);

        if (!outcome.Passed)
        {
            lock (log) output.WriteLine("Provider states:\n" + string.Join('\n', log));
            output.WriteLine("Verifier result:\n" + IndentedJson.Format(outcome.Json));
        }
        Assert.True(outcome.Passed, $"the pact verification failed (libpact_ffi code {outcome.Code}):\n{outcome.Output}");

        // The same verifier fails a pact the provider does not honour, and says which interaction and why.
        var broken = BrokenCopy(pactFile, "the capabilities", status: 201);
        using var strict = new Verifier(CliPact.Provider, provider.Orchestrator.Address)
            .WithPactFile(broken)
            .WithProviderStates(stateServer.Url)
            .WithHeader("Authorization", $"Bearer {EndToEnd.Tests.Orchestrator.Token}");
        var refused = await Task.Run(strict.Execute);
        File.Delete(broken);
        Assert.False(refused.Passed, refused.Output);
        Assert.Contains("the capabilities", refused.Output, StringComparison.Ordinal);
        Assert.Contains("201", refused.Output, StringComparison.Ordinal);
    }

    /// <summary>A copy of the pact holding only <paramref name="description"/>, its expected status changed.</summary>
    private static string BrokenCopy(string pactFile, string description, int status)
    {
        var pact = JsonNode.Parse(File.ReadAllText(pactFile))!.AsObject();
        var interaction = pact["interactions"]!.AsArray().Single(i => i!["description"]!.GetValue<string>() == description)!.DeepClone();
        interaction["response"]!["status"] = status;
        pact["interactions"] = new JsonArray(interaction);
        var path = Path.Combine(Path.GetTempPath(), $"llorch-broken-pact-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, pact.ToJsonString());
        return path;
    }
}
