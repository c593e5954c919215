using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace LlamaOrch.EndToEnd.Tests.OpenAi;

/// <summary>The official OpenAI SDK, unmodified, pointed at an orchestratord's <c>/v1</c>.</summary>
internal static class OpenAiClients
{
    public static OpenAIClientOptions Options(Orchestrator orchestrator, int? maxRetries = 0, PipelinePolicy? observer = null)
    {
        var options = new OpenAIClientOptions { Endpoint = new Uri(orchestrator.Address, "/v1") };
        if (maxRetries is { } retries) options.RetryPolicy = new ClientRetryPolicy(retries);
        if (observer is not null) options.AddPolicy(observer, PipelinePosition.PerTry);
        return options;
    }

    public static ApiKeyCredential Key => new(Orchestrator.Token);

    public static ChatClient Chat(Orchestrator orchestrator, string model = "p", int? maxRetries = 0, PipelinePolicy? observer = null) =>
        new(model, Key, Options(orchestrator, maxRetries, observer));

    /// <summary>The task behind an answer: the door names its completions after their tasks.</summary>
    public static string TaskIdOf(string completionId) => completionId[(completionId.IndexOf('-') + 1)..];
}
