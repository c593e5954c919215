using LlamaOrch.EngineHost.Inference;

namespace LlamaOrch.EngineHost.Tests.Unit;

/// <summary>Strict sequences and the shared batch take turns by step number, which must stay a turn after 2^31 steps.</summary>
public sealed class StepTurnTests
{
    [Theory]
    [InlineData(0u, 0)]
    [InlineData(1u, 1)]
    [InlineData(2u, 2)]
    [InlineData(3u, 0)]
    // A signed step count went negative here (weeks of busy decoding), and a negative turn chose no one: an empty batch,
    // which llama.cpp refuses, ending every sequence. Unsigned, it goes on and wraps to 0.
    [InlineData((uint)int.MaxValue + 1, 2)]
    [InlineData(uint.MaxValue, 0)]
    public void Two_strict_sequences_and_the_shared_batch_take_every_third_step(uint step, int turn)
    {
        Assert.Equal(turn, BatchScheduler.StepTurn(step, strictCount: 2, shared: true));
    }

    [Fact]
    public void Without_strict_sequences_every_step_is_the_shared_batchs()
    {
        Assert.Equal(0, BatchScheduler.StepTurn(uint.MaxValue, strictCount: 0, shared: true));
        Assert.Equal(0, BatchScheduler.StepTurn((uint)int.MaxValue + 7, strictCount: 1, shared: false));
    }
}
