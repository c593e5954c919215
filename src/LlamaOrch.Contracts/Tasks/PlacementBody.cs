namespace LlamaOrch.Contracts.Tasks;

public sealed record PlacementBody
{
    public string? Mode { get; set; }
    public string? PinPoolId { get; set; }
    public List<string>? PreferPools { get; set; }
    public List<string>? AvoidPools { get; set; }
    public string? RequireDeviceMask { get; set; }
    public bool? AllowFallback { get; set; }
}
