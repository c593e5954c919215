namespace LlamaOrch.Testing;

/// <summary>
/// Real chat templates for tests, kept as data in tests/Shared/ChatTemplates (SOURCES.md says where each comes from),
/// and the golden prompts the reference Jinja2 renders from them (render_golden.py).
/// </summary>
internal static class ChatTemplateTexts
{
    public static string Qwen25Instruct => Read("qwen2.5-instruct.jinja");

    public static string Llama31Instruct => Read("llama-3.1-instruct.jinja");

    public static string Llama3Instruct => Read("llama-3-instruct.jinja");

    /// <summary>e.g. <c>Golden("qwen2.5-instruct.tools")</c>.</summary>
    public static string Golden(string name) => Read("golden", name + ".txt");

    private static string Read(params string[] parts) => File.ReadAllText(RepoPaths.InRepo(["tests", "Shared", "ChatTemplates", .. parts]));
}
