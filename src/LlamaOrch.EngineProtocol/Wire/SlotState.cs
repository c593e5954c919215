namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>One element of <c>GET /slots</c>.</summary>
internal sealed record SlotState(int Id, int NCtx, bool IsProcessing, int NDecoded);
