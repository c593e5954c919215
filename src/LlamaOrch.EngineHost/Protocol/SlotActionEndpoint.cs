using LlamaOrch.EngineHost.Generation;
using LlamaOrch.EngineHost.Slots;
using LlamaOrch.EngineProtocol.Wire;

namespace LlamaOrch.EngineHost.Protocol;

/// <summary>
/// <c>POST /slots/{id}?action=erase</c>, llama-server's slot API: empties the slot's KV cache. A busy slot is
/// erased when its completion ends, as llama-server defers the action, so a running completion is never cut.
/// <c>save</c> and <c>restore</c> need a slot save path, which this engine has not: 501, as llama-server answers
/// without <c>--slot-save-path</c> (where it refuses <c>erase</c> too; this engine erases without one).
/// </summary>
internal sealed class SlotActionEndpoint(ModelHost models, SlotPool slots, IHostApplicationLifetime lifetime)
{
    public const string Route = "/slots/{id}";

    public async Task HandleAsync(HttpContext context)
    {
        var id = context.Request.RouteValues["id"] as string;
        if (!int.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var slotId)
            || slotId >= slots.Slots.Count)
        {
            await ProtocolErrors.WriteBadRequestAsync(context, $"id_slot must be from 0 to {slots.Slots.Count - 1}, not '{id}'");
            return;
        }

        var action = context.Request.Query["action"].ToString();
        switch (action)
        {
            case "erase":
                break;
            case "save" or "restore":
                await ProtocolErrors.WriteNotSupportedAsync(context, "This server does not support slots action. Start it with `--slot-save-path`");
                return;
            default:
                await ProtocolErrors.WriteBadRequestAsync(context, $"action must be erase, save or restore, not '{action}'");
                return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var slot = await slots.AcquireAsync(slotId, stop.Token);
        if (slot is null)
        {
            await ProtocolErrors.WriteStoppedAsync(context, lifetime.ApplicationStopping);
            return;
        }
        int erased;
        try
        {
            erased = await models.Model.EraseSlotAsync(slotId, stop.Token);
        }
        finally
        {
            slots.Release(slot);
        }

        await context.Response.WriteAsJsonAsync(
            new SlotEraseResponse(slotId, erased), LlamaCppJsonContext.Relaxed.SlotEraseResponse, contentType: null, context.RequestAborted);
    }
}
