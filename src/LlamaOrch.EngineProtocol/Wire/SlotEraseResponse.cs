namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>The reply to <c>POST /slots/{id}?action=erase</c>: the slot and how many cached tokens it dropped.</summary>
internal sealed record SlotEraseResponse(int IdSlot, int NErased);
