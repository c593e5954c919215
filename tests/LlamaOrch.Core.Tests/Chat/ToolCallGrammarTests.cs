using System.Text.Json;
using LlamaOrch.Core.Chat;

namespace LlamaOrch.Core.Tests.Chat;

public sealed class ToolCallGrammarTests
{
    private static readonly ChatTool Weather = new("get_weather", "Weather in a city",
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""").RootElement.Clone());

    private static readonly ChatTool Time = new("get_time", null,
        JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone());

    [Fact]
    public void AutoAndNoneConstrainNothing()
    {
        Assert.Null(ToolCallGrammar.For(ToolCallFormat.Hermes, [Weather], ToolChoice.Auto));
        Assert.Null(ToolCallGrammar.For(ToolCallFormat.Hermes, [Weather], ToolChoice.None));
    }

    [Fact]
    public void ANamedHermesCallIsExactlyOneElementOfThatFunction()
    {
        var grammar = ToolCallGrammar.For(ToolCallFormat.Hermes, [Weather, Time], ToolChoice.Function("get_weather"))!;

        Assert.StartsWith("root ::= tool-call\n", grammar);
        Assert.Contains("tool-call ::= \"<tool_call>\\n\" tool-0-call \"\\n</tool_call>\"", grammar);
        Assert.Contains("tool-0-call ::= \"{\\\"name\\\": \\\"get_weather\\\", \\\"arguments\\\": \" tool-0-arguments \"}\"", grammar);
        Assert.DoesNotContain("get_time", grammar);
    }

    [Fact]
    public void RequiredAllowsOneToEightCallsOfAnyFunction()
    {
        var grammar = ToolCallGrammar.For(ToolCallFormat.Hermes, [Weather, Time], ToolChoice.Required)!;

        Assert.StartsWith("root ::= tool-call ( \"\\n\" tool-call ){0,7}\n", grammar);
        Assert.Contains("tool-call-object ::= tool-0-call | tool-1-call", grammar);
    }

    [Fact]
    public void Llama3CallsAreOneBareObjectWithParameters()
    {
        var grammar = ToolCallGrammar.For(ToolCallFormat.Llama3Json, [Weather, Time], ToolChoice.Required)!;

        Assert.StartsWith("root ::= tool-call-object\n", grammar);
        Assert.Contains("\\\"parameters\\\": ", grammar);
        Assert.DoesNotContain("<tool_call>", grammar);
    }

    [Fact]
    public void AnUnknownNamedFunctionIsTheClientsArgumentError()
    {
        var error = Assert.Throws<ArgumentException>(() => ToolCallGrammar.For(ToolCallFormat.Hermes, [Weather], ToolChoice.Function("nope")));

        Assert.Contains("'nope', which is not among the tools offered (get_weather)", error.Message);
        Assert.Throws<ArgumentException>(() => ToolCallGrammar.For(ToolCallFormat.Hermes, [], ToolChoice.Required));
    }

    [Fact]
    public void AParametersSchemaThatCannotBeExpressedNamesTheFunction()
    {
        var bad = new ChatTool("f", null, JsonDocument.Parse("""{"type":"object","properties":{"s":{"type":"string","pattern":"x"}}}""").RootElement.Clone());

        var error = Assert.Throws<JsonSchemaGrammarException>(() => ToolCallGrammar.For(ToolCallFormat.Hermes, [bad], ToolChoice.Required));

        Assert.Contains("function 'f'", error.Message);
        Assert.Contains("'pattern' at #/properties/s", error.Message);
    }
}
