using System.Net;
using System.Net.Http.Headers;
using LlamaOrch.Engines.Supervision;
using static LlamaOrch.EndToEnd.Tests.OrchestratordProcess;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Engines start with an allow-listed environment: orchestratord's secrets stay out of /proc/PID/environ.</summary>
public sealed class EngineEnvironmentTests
{
    [Fact]
    public async Task Engines_inherit_neither_the_API_token_nor_other_secrets_and_still_serve()
    {
        const string token = "e2e-environment-token-5f0c";
        const string secret = "not-for-engines-9d2a";
        var dataDir = Directory.CreateTempSubdirectory("llorch-proc-").FullName;
        var port = FreePort.Next();
        using var process = Start(
            ["--urls", $"http://127.0.0.1:{port}", $"--Orchestrator:DataDir={dataDir}",
             "--Orchestrator:Pools:0:Id=p", "--Orchestrator:Pools:0:Model=sim:env?tps=500"],
            new Dictionary<string, string>
            {
                ["LLORCH_API_TOKEN"] = token,
                ["AWS_SECRET_ACCESS_KEY"] = secret,
                ["GGML_E2E_KNOB"] = "kept", // an engine knob: passed on
            });
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitReadyAsync(http);
            var engine = Assert.Single(ChildProcessIds(process.Id));

            var environment = (await File.ReadAllTextAsync($"/proc/{engine}/environ")).Split('\0');
            Assert.DoesNotContain(environment, v => v.StartsWith("LLORCH_API_TOKEN=", StringComparison.Ordinal) || v.Contains(token));
            Assert.DoesNotContain(environment, v => v.StartsWith("AWS_SECRET_ACCESS_KEY=", StringComparison.Ordinal) || v.Contains(secret));
            Assert.Contains("GGML_E2E_KNOB=kept", environment);
            Assert.Contains($"LLORCH_PARENT_PID={process.Id}", environment);

            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var body = Orchestrator.Task("sim:env?tps=500", maxTokens: 3);
            using var admitted = await PostTaskAsync(http, body);
            Assert.Equal(HttpStatusCode.Accepted, admitted.StatusCode);
            var frames = await SseFrame.ReadAllAsync(http, body["task_id"]!.GetValue<string>());
            Assert.Equal("end", frames[^1].Event);
            Assert.Equal(3, frames.Count(f => f.Event == "token"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
