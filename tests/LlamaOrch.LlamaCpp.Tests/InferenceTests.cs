using LlamaOrch.Testing;
using System.Buffers;
using System.Text;

namespace LlamaOrch.LlamaCpp.Tests;

/// <summary>Real inference with stories260K through the bindings.</summary>
public sealed class InferenceTests
{
    [Fact]
    public void Loads_the_model_and_reads_its_facts()
    {
        using var model = LlamaModel.Load(RepoPaths.Stories260K);
        Assert.Equal(512, model.VocabSize);
        Assert.True(model.ContextLengthTrained > 0);
        Assert.Contains("llama", model.Description, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void A_missing_file_is_a_clear_error()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid() + ".gguf");
        var error = Assert.Throws<FileNotFoundException>(() => LlamaModel.Load(missing));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_model_fails_to_load_with_an_exception_not_a_crash()
    {
        var bogus = Path.GetTempFileName();
        File.WriteAllText(bogus, "this is not a gguf file");
        try
        {
            Assert.Throws<LlamaException>(() => LlamaModel.Load(bogus));
        }
        finally
        {
            File.Delete(bogus);
        }
    }

    [Fact]
    public void Greedy_generation_writes_story_text_that_no_seed_changes_and_that_extends_its_shorter_runs()
    {
        var text = Generate(new SamplerSettings(Temperature: 0, Seed: 1), "Once upon a time", 24);

        Assert.Matches("[a-z]{3,}", text);
        // Temperature 0 takes the most likely token every step: the seed has nothing to choose.
        Assert.Equal(text, Generate(new SamplerSettings(Temperature: 0, Seed: 2), "Once upon a time", 24));
        var shorter = Generate(new SamplerSettings(Temperature: 0, Seed: 3), "Once upon a time", 12);
        Assert.True(shorter.Length < text.Length, $"'{shorter}' vs '{text}'");
        Assert.StartsWith(shorter, text);
    }

    [Fact]
    public void Seeded_sampling_is_reproducible_and_the_seed_matters()
    {
        var a = Generate(new SamplerSettings(Seed: 7), "Once upon a time", 32);
        Assert.Equal(a, Generate(new SamplerSettings(Seed: 7), "Once upon a time", 32));
        Assert.NotEqual(a, Generate(new SamplerSettings(Seed: 8), "Once upon a time", 32));
    }

    [Fact]
    public void Two_sequences_decoded_in_one_batch_match_their_single_runs()
    {
        var single0 = Generate(new SamplerSettings(Temperature: 0), "Once upon a time", 16);
        var single1 = Generate(new SamplerSettings(Temperature: 0), "The little dog", 16);

        using var model = LlamaModel.Load(RepoPaths.Stories260K);
        using var context = new LlamaContext(model, 256, sequences: 2, threads: 1);
        var prompts = new[] { model.Tokenize("Once upon a time"), model.Tokenize("The little dog") };
        var samplers = prompts.Select(_ => new SamplerChain(model, new SamplerSettings(Temperature: 0))).ToArray();
        var outputs = prompts.Select(_ => new ArrayBufferWriter<byte>()).ToArray();
        var positions = new int[2];
        var rows = new int[2];
        context.ClearBatch();
        for (var seq = 0; seq < 2; seq++)
        {
            for (var i = 0; i < prompts[seq].Length; i++)
                rows[seq] = context.AddToBatch(prompts[seq][i], i, seq, i == prompts[seq].Length - 1);
            positions[seq] = prompts[seq].Length;
        }
        for (var step = 0; step < 16; step++)
        {
            context.Decode();
            var next = new int[2];
            for (var seq = 0; seq < 2; seq++)
            {
                next[seq] = samplers[seq].Sample(context, rows[seq]);
                model.AppendPiece(next[seq], outputs[seq]);
            }
            context.ClearBatch();
            for (var seq = 0; seq < 2; seq++) rows[seq] = context.AddToBatch(next[seq], positions[seq]++, seq, true);
        }
        foreach (var sampler in samplers) sampler.Dispose();

        Assert.Equal(single0, Encoding.UTF8.GetString(outputs[0].WrittenSpan));
        Assert.Equal(single1, Encoding.UTF8.GetString(outputs[1].WrittenSpan));
    }

    [Fact]
    public void Embeddings_are_unit_vectors_that_are_stable_and_tell_texts_apart()
    {
        using var model = LlamaModel.Load(RepoPaths.Stories260K);
        using var embedder = new Embedder(model, maxTokens: 128, threads: 1);

        var (a, tokens) = embedder.Embed("Once upon a time there was a cat");
        var (again, _) = embedder.Embed("Once upon a time there was a cat");
        var (other, _) = embedder.Embed("The big red ball rolled away");

        Assert.Equal(model.EmbeddingSize, a.Length);
        Assert.True(tokens > 5);
        Assert.Equal(1.0, Math.Sqrt(a.Sum(v => (double)v * v)), 3);
        Assert.Equal(a, again);
        Assert.NotEqual(a, other);
    }

    private static string Generate(SamplerSettings settings, string prompt, int tokens)
    {
        using var model = LlamaModel.Load(RepoPaths.Stories260K);
        using var context = new LlamaContext(model, 256, sequences: 1, threads: 1);
        using var sampler = new SamplerChain(model, settings);
        var promptTokens = model.Tokenize(prompt);
        var output = new ArrayBufferWriter<byte>();
        context.ClearBatch();
        var row = 0;
        for (var i = 0; i < promptTokens.Length; i++) row = context.AddToBatch(promptTokens[i], i, 0, i == promptTokens.Length - 1);
        var position = promptTokens.Length;
        for (var step = 0; step < tokens; step++)
        {
            context.Decode();
            var token = sampler.Sample(context, row);
            if (model.IsEndOfGeneration(token)) break;
            model.AppendPiece(token, output);
            context.ClearBatch();
            row = context.AddToBatch(token, position++, 0, true);
        }
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
