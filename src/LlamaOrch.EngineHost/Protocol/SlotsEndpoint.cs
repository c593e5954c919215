using LlamaOrch.EngineProtocol.Wire;
using LlamaOrch.EngineHost.Slots;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary><c>GET /slots</c>: whether each slot is busy and how far its completion has got.</summary>
internal sealed class SlotsEndpoint(SlotPool slots)
{
    public Task HandleAsync(HttpContext context)
    {
        var states = new SlotState[slots.Slots.Count];
        for (var i = 0; i < states.Length; i++)
        {
            var slot = slots.Slots[i];
            states[i] = new SlotState(slot.Id, slot.ContextSize, slot.IsProcessing, slot.Decoded);
        }

        return context.Response.WriteAsJsonAsync(
            states,
            LlamaCppJsonContext.Relaxed.SlotStateArray,
            contentType: null,
            context.RequestAborted);
    }
}
