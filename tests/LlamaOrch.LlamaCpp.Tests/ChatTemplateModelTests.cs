using LlamaOrch.EngineProtocol.Gguf;
using LlamaOrch.Testing;

namespace LlamaOrch.LlamaCpp.Tests;

/// <summary>The random chat models load in llama.cpp with their family's template and special tokens.</summary>
public sealed class ChatTemplateModelTests
{
    [Fact]
    public async Task The_qwen_model_carries_its_template_and_tokenizes_chatml_markers_as_single_tokens()
    {
        using var model = LlamaModel.Load(await ChatTemplateModels.Qwen25PathAsync());

        Assert.Equal(ChatTemplateTexts.Qwen25Instruct, model.Template(name: null));
        var tokens = model.Tokenize("<|im_start|>user\nhi<|im_end|>", addSpecial: false, parseSpecial: true);
        Assert.Equal(model.VocabSize - 1, tokens[0]); // <|im_start|>, the control token at the end (the others are BOS and EOS)
        Assert.Equal(RandomLlamaVocabulary.EosId, tokens[^1]); // <|im_end|> is the EOS
        Assert.True(model.IsEndOfGeneration(tokens[^1]));
    }

    [Fact]
    public async Task The_llama_model_carries_its_template_and_its_bos_and_eos()
    {
        using var model = LlamaModel.Load(await ChatTemplateModels.Llama31PathAsync());

        Assert.Equal(ChatTemplateTexts.Llama31Instruct, model.Template(name: null));
        Assert.Equal([RandomLlamaVocabulary.BosId], model.Tokenize("<|begin_of_text|>", addSpecial: false, parseSpecial: true));
        Assert.Equal([RandomLlamaVocabulary.EosId], model.Tokenize("<|eot_id|>", addSpecial: false, parseSpecial: true));
        Assert.Single(model.Tokenize("<|start_header_id|>", addSpecial: false, parseSpecial: true));
    }
}
