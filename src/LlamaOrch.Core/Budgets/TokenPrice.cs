namespace LlamaOrch.Core.Budgets;

/// <summary>A pool's price per 1,000 prompt tokens and per 1,000 generated tokens (Orchestrator:Pools:N:PricePer1kTokensIn/Out).</summary>
public readonly record struct TokenPrice(decimal Per1kIn, decimal Per1kOut)
{
    public decimal Of(long tokensIn, long tokensOut) => (tokensIn * Per1kIn + tokensOut * Per1kOut) / 1000m;
}
