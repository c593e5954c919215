namespace LlamaOrch.Core.Chat;

/// <summary>How a template family writes a tool call into the model's output, so that it can be forced and parsed.</summary>
public enum ToolCallFormat
{
    /// <summary>ChatML/Qwen/Hermes: <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c>, one element per call.</summary>
    Hermes,

    /// <summary>Llama 3.x: a bare JSON object <c>{"name": …, "parameters": {…}}</c> as the whole answer.</summary>
    Llama3Json,
}
