using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.Devices;

/// <summary><c>GET /v1/devices</c>: the device inventory and which replicas each device carries.</summary>
/// <param name="ProbeError">Why no GPU is listed when nvidia-smi exists but failed; null otherwise.</param>
/// <param name="ProbedMs">When the inventory was last refreshed (Unix milliseconds); null before the first probe.</param>
public sealed record DevicesResponse(
    IReadOnlyList<DeviceInfo> Devices,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ProbeError,
    long? ProbedMs);

/// <param name="Kind"><c>gpu</c>, or <c>cpu</c> when the machine has no usable NVIDIA GPU.</param>
/// <param name="UsedVramBytes">Everything in use on the card, other programs' memory included.</param>
/// <param name="ReservedVramBytes">What llama-orch's replicas placed on the card are estimated to need.</param>
/// <param name="AvailableVramBytes">What a new replica may still reserve: total less other programs' use less reservations.</param>
public sealed record DeviceInfo(
    string Kind,
    int? Index,
    string? Uuid,
    string Name,
    long? TotalVramBytes,
    long? UsedVramBytes,
    long? FreeVramBytes,
    long? ReservedVramBytes,
    long? AvailableVramBytes,
    int? UtilizationPercent,
    IReadOnlyList<string> Replicas);
