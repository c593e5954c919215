using System.Globalization;
using System.Text;

namespace LlamaOrch.Engines.Placement;

/// <summary>
/// The GPU memory one replica is expected to take, by part, so a refusal can say where the memory goes.
/// Produced by <see cref="FitEstimator"/>; a synthetic model is all <see cref="WeightsBytes"/>.
/// </summary>
/// <param name="WeightsBytes">The model's tensors, as stored in the GGUF file.</param>
/// <param name="KvBytes">The f16 KV cache for every slot's context.</param>
/// <param name="ComputeBytes">llama.cpp's graph buffer for one micro-batch.</param>
/// <param name="OverheadBytes">What the process takes before any buffer: CUDA context, kernels, library workspaces.</param>
public sealed record FitEstimate(long WeightsBytes, long KvBytes, long ComputeBytes, long OverheadBytes)
{
    /// <summary>The context of each slot the KV cache was sized for; 0 when there is no KV cache.</summary>
    public int ContextPerSlot { get; init; }

    /// <summary>The slots the KV cache was sized for; 0 when there is no KV cache.</summary>
    public int Slots { get; init; }

    /// <summary>What one token's K and V take across every layer; 0 when there is no KV cache.</summary>
    public long KvBytesPerToken { get; init; }

    public long Total => checked(WeightsBytes + KvBytes + ComputeBytes + OverheadBytes);

    /// <summary>
    /// "9.1 GiB (weights 7.2 GiB, KV cache 1.5 GiB for 4 slots × 4096 tokens, compute 0.3 GiB, overhead 0.5 GiB)";
    /// parts that are zero are left out, so a synthetic model reads "1.0 GiB (weights 1.0 GiB)".
    /// </summary>
    public string Describe()
    {
        var text = new StringBuilder(ByteSize.Format(Total)).Append(" (weights ").Append(ByteSize.Format(WeightsBytes));
        if (KvBytes > 0)
        {
            text.Append(", KV cache ").Append(ByteSize.Format(KvBytes));
            if (Slots > 0)
            {
                text.Append(CultureInfo.InvariantCulture, $" for {Slots} {(Slots == 1 ? "slot" : "slots")} × {ContextPerSlot} tokens");
            }
        }
        if (ComputeBytes > 0) text.Append(", compute ").Append(ByteSize.Format(ComputeBytes));
        if (OverheadBytes > 0) text.Append(", overhead ").Append(ByteSize.Format(OverheadBytes));
        return text.Append(')').ToString();
    }
}
