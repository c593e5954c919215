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
    }
}
