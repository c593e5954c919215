using System.Security.Cryptography;
using System.Text;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests.Admission;

/// <summary>
/// The seed a task id yields is a promise to users (a retried task reproduces its stream), so its value is pinned
/// here, and checked against the derivation as first written over many ids.
/// </summary>
public sealed class TaskSeedTests
{
    [Theory]
    // The first four bytes of SHA-256 over the canonical id, little-endian (checked with Python's hashlib).
    [InlineData("0b1c7f0e-6c55-4a53-9a8f-2a4f4c1d2e01", 1375738743L)]
    [InlineData("0B1C7F0E-6C55-4A53-9A8F-2A4F4C1D2E01", 1375738743L)]
    [InlineData("{0b1c7f0e-6c55-4a53-9a8f-2a4f4c1d2e01}", 1375738743L)]
    [InlineData("0b1c7f0e6c554a539a8f2a4f4c1d2e01", 1375738743L)]
    [InlineData("0b1c7f0e-6c55-4a53-9a8f-2a4f4c1d2e02", 3049839559L)]
    [InlineData("not-a-uuid", 715359265L)]
    [InlineData("Not-A-UUID", 715359265L)]
    public void A_task_id_always_yields_the_same_seed(string taskId, long seed)
    {
        Assert.Equal(seed, TaskSeed.FromTaskId(taskId));
    }

    [Fact]
    public void The_seed_of_a_uuid_is_the_sha256_of_its_canonical_spelling()
    {
        var random = new Random(17);
        Span<byte> bytes = stackalloc byte[16];
        for (var index = 0; index < 5000; index++)
        {
            random.NextBytes(bytes);
            var id = new Guid(bytes).ToString(index % 2 == 0 ? "D" : "N");
            if (index % 3 == 0) id = id.ToUpperInvariant();
            Assert.Equal(Reference(id), TaskSeed.FromTaskId(id));
        }
    }

    [Fact]
    public async Task An_admitted_task_runs_with_its_ids_seed_unless_it_sent_one()
    {
        var harness = new PoolHarness(slots: 2);
        var derived = harness.Admit("derived");
        var sent = Admit(harness, TaskRequestValidatorTests.Valid() with { TaskId = Guid.NewGuid().ToString(), Seed = uint.MaxValue });

        Assert.Equal(TaskSeed.FromTaskId(derived.Id), derived.Seed);
        Assert.Equal(uint.MaxValue, sent.Seed);
        var seeds = new[] { (await harness.Engine.NextCallAsync()).Request.Seed, (await harness.Engine.NextCallAsync()).Request.Seed };
        Assert.Equal(new[] { derived.Seed, sent.Seed }.Order(), seeds.Order());
    }

    private static OrchestratedTask Admit(PoolHarness harness, LlamaOrch.Contracts.Tasks.TaskRequestBody body)
    {
        Assert.Null(TaskRequestValidator.Validate(body, new AdmissionLimits(), out var spec));
        return harness.Admission.Submit(spec!, "corr-sent").Task!;
    }

    /// <summary>The derivation as it was first written: SHA-256 of the canonical id's UTF-8, first four bytes.</summary>
    private static long Reference(string taskId) =>
        BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(TaskStore.CanonicalId(taskId))));
}
