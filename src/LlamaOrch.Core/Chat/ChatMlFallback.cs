namespace LlamaOrch.Core.Chat;

/// <summary>
/// The template a model without one is rendered with: ChatML (what llama-server falls back to), and, where tools are
/// offered, Hermes-style tool use as Qwen2.5 writes it: the tools' JSON in the system turn with the instruction to
/// answer <c>&lt;tool_call&gt;{"name": …, "arguments": …}&lt;/tool_call&gt;</c>, the assistant's calls in that form,
/// tool results as <c>&lt;tool_response&gt;</c> blocks in a user turn. Without tools and tool turns it is plain ChatML,
/// byte for byte what llama.cpp's built-in chatml renders. See docs/chat-templates.md.
/// </summary>
internal static class ChatMlFallback
{
    public const string Template = """
        {%- if tools %}
            {{- '<|im_start|>system\n' }}
            {%- if messages[0].role == 'system' %}
                {{- messages[0].content + '\n\n' }}
            {%- endif %}
            {{- "# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
            {%- for tool in tools %}
                {{- "\n" }}
                {{- tool | tojson }}
            {%- endfor %}
            {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
        {%- elif messages and messages[0].role == 'system' %}
            {{- '<|im_start|>system\n' + (messages[0].content or '') + '<|im_end|>\n' }}
        {%- endif %}
        {%- for message in messages %}
            {%- if message.role == 'system' and loop.first %}
            {%- elif message.role == 'tool' %}
                {%- if loop.first or messages[loop.index0 - 1].role != 'tool' %}
                    {{- '<|im_start|>user' }}
                {%- endif %}
                {{- '\n<tool_response>\n' + (message.content or '') + '\n</tool_response>' }}
                {%- if loop.last or messages[loop.index0 + 1].role != 'tool' %}
                    {{- '<|im_end|>\n' }}
                {%- endif %}
            {%- else %}
                {{- '<|im_start|>' + message.role + '\n' + (message.content or '') }}
                {%- for tool_call in message.tool_calls or [] %}
                    {%- if message.content or not loop.first %}
                        {{- '\n' }}
                    {%- endif %}
                    {{- '<tool_call>\n{"name": "' + tool_call.function.name + '", "arguments": ' + tool_call.function.arguments | tojson + '}\n</tool_call>' }}
                {%- endfor %}
                {{- '<|im_end|>\n' }}
            {%- endif %}
        {%- endfor %}
        {%- if add_generation_prompt %}
            {{- '<|im_start|>assistant\n' }}
        {%- endif %}
        """;
}
