namespace LlamaOrch.Contracts.Tasks;

public sealed record PlacementBody
{
    public string? Mode { get; init; }
    public string? PinPoolId { get; init; }
    public List<string>? PreferPools { get; init; }
    public List<string>? AvoidPools { get; init; }
    public string? RequireDeviceMask { get; init; }
    public bool? AllowFallback { get; init; }
}
