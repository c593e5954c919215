using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineProtocol.Wire;
using LlamaOrch.EngineHost.Slots;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary><c>GET /props</c>: what the engine serves, how many slots, and the defaults of a completion.</summary>
internal sealed class PropsEndpoint(ModelHost models, SlotPool slots)
{
    public Task HandleAsync(HttpContext context)
    {
        var model = models.Model;
        var defaults = SamplingParameters.Default;
        var props = new PropsResponse(
            new DefaultGenerationSettings(
                slots.ContextSize,
                new GenerationParams(
                    defaults.Temperature,
                    defaults.TopK,
                    defaults.TopP,
                    defaults.MinP,
                    defaults.RepeatPenalty,
                    defaults.Seed,
                    CompletionRequestValidator.PredictUntilContextFull)),
            slots.Slots.Count,
            model.ModelRef,
            model.BuildInfo,
            model.EngineVersion,
            model.IsSynthetic,
            model.TokensPerSecond);
        return context.Response.WriteAsJsonAsync(
            props,
            LlamaCppJsonContext.Relaxed.PropsResponse,
            contentType: null,
            context.RequestAborted);
    }
}
