using System.Text;
using System.Text.Json.Nodes;
using LlamaOrch.Client;
using LlamaOrch.Pact.Tests.Contract;
using LlamaOrch.Pact.Tests.Ffi;
using LlamaOrch.Testing;
using Xunit.Abstractions;

namespace LlamaOrch.Pact.Tests.Consumer;

/// <summary>
/// The consumer side: the real SDK, pointed at the Pact mock server, makes every call the pact describes; the mock
/// server answers only requests that match, and the pact written from it must equal the committed
/// <c>contracts/pacts/llorch-cli-orchestratord.json</c> (regenerate with <c>LLORCH_PACT_UPDATE=1</c>).
/// </summary>
public sealed class CliConsumerPactTests(ITestOutputHelper output)
{
    internal static IReadOnlyList<CliExpectation> Expectations { get; } =
        [.. TaskExpectations.All(), .. ControlExpectations.All(), .. DataExpectations.All()];

    private const string CorrelationIdRegex = "^[!-~]{1,128}$";

    [Fact]
    public async Task The_sdk_makes_the_calls_the_pact_describes_and_the_committed_pact_is_the_one_they_write()
    {
        using var pact = new PactBuilder(CliPact.Consumer, CliPact.Provider);
        foreach (var expectation in Expectations)
        {
            var interaction = pact.UponReceiving(expectation.Description)
                .WithRequestHeader("X-Correlation-Id", Match.Regex(CorrelationIdRegex, expectation.CorrelationId));
            expectation.Define(interaction);
            // The provider echoes the id it was sent: the example, exactly.
            interaction.WithResponseHeader("X-Correlation-Id", expectation.CorrelationId);
        }

        var failures = new StringBuilder();
        using (var server = pact.StartMockServer())
        {
            using var client = new LlamaOrchClient(new LlamaOrchClientOptions
            {
                BaseAddress = server.Address,
                ApiToken = "pact-consumer-token",
                // One try per call: the pact states each answer once; the SDK's retries have their own tests.
                Retry = new RetryOptions { MaxRetries = 0 },
                MaxStreamReconnects = 0,
            });
            foreach (var expectation in Expectations)
            {
                try
                {
                    await expectation.Exercise(client.WithCorrelationId(expectation.CorrelationId));
                }
                catch (Exception error)
                {
                    failures.AppendLine($"'{expectation.Description}': {error.GetType().Name}: {error.Message}");
                }
            }
            if (failures.Length > 0 || !server.AllMatched)
            {
                output.WriteLine("Mock server log:\n" + server.Logs);
                Assert.Fail($"The SDK and the pact disagree.\n{failures}\nMismatches the mock server saw:\n{server.Mismatches}");
            }
        }

        var written = pact.WriteTo(Directory.CreateTempSubdirectory("llorch-pact-").FullName);
        var committed = RepoPaths.InRepo(CliPact.CommittedFile);
        if (Environment.GetEnvironmentVariable(CliPact.UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(committed)!);
            File.Copy(written, committed, overwrite: true);
            output.WriteLine($"wrote {committed}");
        }

        Assert.True(File.Exists(committed), $"no committed pact at {committed}; run this test with {CliPact.UpdateVariable}=1 and commit the file");
        var fresh = PactFile.Normalized(await File.ReadAllTextAsync(written));
        var kept = PactFile.Normalized(await File.ReadAllTextAsync(committed));
        Assert.True(JsonNode.DeepEquals(fresh, kept),
            $"{committed} is not the pact the consumer test writes now ({written}); if the change is meant, rerun with {CliPact.UpdateVariable}=1 and commit it.\n" +
            PactFile.FirstDifference(kept, fresh));
        Directory.Delete(Path.GetDirectoryName(written)!, recursive: true);
    }
}
