#!/usr/bin/env python3
"""Renders the golden prompts the C# renderer is held to, with the reference Jinja2 configured as transformers'
apply_chat_template configures it (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols, its
tojson, raise_exception and strftime_now). Run from this folder: python3 render_golden.py (Jinja2 3.1)."""
import json
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise RuntimeError(message)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda fmt: "07 Dec 2026"

TOOLS = [{"type": "function", "function": {
    "name": "get_weather",
    "description": "Get the current weather",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city"]}}}]

WITH_TOOLS = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "What's the weather in Paris?"},
    {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}]},
    {"role": "tool", "content": "{\"temperature\": 18, \"sky\": \"clear\"}", "tool_call_id": "call_1", "name": "get_weather"},
    {"role": "assistant", "content": "It is 18 °C and clear in Paris."},
    {"role": "user", "content": "Thanks! And in Zürich?"},
]

PLAIN = [
    {"role": "system", "content": "You are a helpful assistant."},
    {"role": "user", "content": "Hello!"},
    {"role": "assistant", "content": "Hi there, how can I help?"},
    {"role": "user", "content": "Tell me a story."},
]

FAMILIES = {
    "qwen2.5-instruct": {"bos_token": "", "eos_token": "<|im_end|>"},
    "llama-3.1-instruct": {"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>"},
}

for family, tokens in FAMILIES.items():
    template = env.from_string(open(f"{family}.jinja", encoding="utf-8").read())
    cases = {
        "tools": dict(messages=WITH_TOOLS, tools=TOOLS, add_generation_prompt=True),
        "plain": dict(messages=PLAIN, tools=None, add_generation_prompt=True),
        "plain-no-generation-prompt": dict(messages=PLAIN, tools=None, add_generation_prompt=False),
    }
    for case, variables in cases.items():
        text = template.render(**variables, **tokens)
        with open(f"golden/{family}.{case}.txt", "w", encoding="utf-8", newline="") as out:
            out.write(text)
