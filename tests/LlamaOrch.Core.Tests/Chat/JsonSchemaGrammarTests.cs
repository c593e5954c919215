using System.Text.Json;
using LlamaOrch.Core.Chat;

namespace LlamaOrch.Core.Tests.Chat;

public sealed class JsonSchemaGrammarTests
{
    private static JsonElement Schema(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void ObjectWithRequiredAndOptionalPropertiesHasTheGoldenGrammar()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema(
            """{"type":"object","title":"t","properties":{"name":{"type":"string"},"age":{"type":"integer"},"ok":{"type":"boolean"}},"required":["name"]}"""));

        Assert.Equal(
            """
            root ::= root-value
            ws ::= ( " " | "\n" [ \t]{0,20} )?
            char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
            string ::= "\"" char* "\""
            integer ::= "-"? ("0" | [1-9] [0-9]{0,15})
            boolean ::= "true" | "false"
            root-value-opt ::= "\"ok\"" ws ":" ws boolean
            root-value-opt-2 ::= "\"age\"" ws ":" ws integer ( ws "," ws root-value-opt )? | root-value-opt
            root-value ::= "{" ws "\"name\"" ws ":" ws string ( ws "," ws root-value-opt-2 )? ws "}"

            """.Replace("\r\n", "\n"),
            grammar);
    }

    [Fact]
    public void ArraysStringsEnumsAndConstsHaveTheGoldenGrammar()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema(
            """{"type":"array","items":{"anyOf":[{"enum":["a","b\"c"]},{"const":{"k":[1, 2]}},{"type":"string","minLength":1,"maxLength":3}]},"minItems":1,"maxItems":2}"""));

        Assert.Equal(
            """
            root ::= root-value
            ws ::= ( " " | "\n" [ \t]{0,20} )?
            root-value-item-0 ::= "\"a\"" | "\"b\\\"c\""
            char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
            root-value-item-2 ::= "\"" char{1,3} "\""
            root-value-item ::= root-value-item-0 | "{\"k\":[1,2]}" | root-value-item-2
            root-value ::= "[" ws root-value-item ( ws "," ws root-value-item )? ws "]"

            """.Replace("\r\n", "\n"),
            grammar);
    }

    [Fact]
    public void ARecursiveDefinitionBecomesARuleCycle()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema(
            """{"$ref":"#/$defs/node","$defs":{"node":{"type":"object","properties":{"v":{"type":"number"},"next":{"anyOf":[{"$ref":"#/$defs/node"},{"type":"null"}]}},"required":["v","next"]}}}"""));

        Assert.Contains("root ::= node\n", grammar);
        Assert.Contains("node ::= node-body\n", grammar);
        Assert.Matches(@"node-body-next ::= node \| null\n", grammar);
    }

    [Fact]
    public void DefinitionsFormatsAndTypeListsAreSupported()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema(
            """{"definitions":{"d":{"type":"string","format":"date"}},"type":"object","properties":{"when":{"$ref":"#/definitions/d"},"id":{"type":"string","format":"uuid"},"n":{"type":["integer","null"]}},"required":["when","id","n"],"additionalProperties":false}"""));

        Assert.Contains("date ::= \"\\\"\" [0-9]{4}", grammar);
        Assert.Contains("uuid ::= \"\\\"\" [0-9a-fA-F]{8}", grammar);
        Assert.Contains("root-value-n ::= integer | null", grammar);
    }

    [Fact]
    public void AdditionalPropertiesTrueAllowsExtraStringKeyedMembers()
    {
        var grammar = JsonSchemaGrammar.FromSchema(Schema(
            """{"type":"object","properties":{"a":{"type":"null"}},"required":["a"],"additionalProperties":true}"""));

        // The extra member is any string key with any value, which is the same rule as any object's member.
        Assert.Contains("member ::= string ws \":\" ws value", grammar);
        Assert.Contains("root-value-opt ::= member ( ws \",\" ws member )*", grammar);
        Assert.Contains("value ::= object | array | string | number | boolean | null", grammar);
    }

    [Fact]
    public void AnyObjectIsAnObjectOfAnyValues()
    {
        var grammar = JsonSchemaGrammar.AnyObject();

        Assert.StartsWith("root ::= object\n", grammar);
        Assert.Contains("object ::= \"{\" ws ( member ( ws \",\" ws member )* ws )? \"}\"", grammar);
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"^a+$"}""", "'pattern' at #")]
    [InlineData("""{"type":"object","properties":{"n":{"type":"integer","minimum":3}}}""", "'minimum' at #/properties/n")]
    [InlineData("""{"$ref":"https://example.com/s.json"}""", "only references to #/$defs")]
    [InlineData("""{"$ref":"#/$defs/missing"}""", "points to nothing")]
    [InlineData("""{"type":"array","maxItems":100000}""", "maxItems 100000")]
    [InlineData("""{"type":"array","minItems":3,"maxItems":2}""", "below minItems")]
    [InlineData("""{"type":"date"}""", "'date' at # is not a JSON Schema type")]
    [InlineData("""{"allOf":[{"type":"string"},{"maxLength":3}]}""", "allOf at # has 2 schemas")]
    [InlineData("""{"type":"object","properties":{},"required":["x"]}""", "names 'x'")]
    [InlineData("""false""", "no value satisfies it")]
    public void WhatCannotBeExpressedIsRefusedByKeywordAndPath(string schema, string message)
    {
        var error = Assert.Throws<JsonSchemaGrammarException>(() => JsonSchemaGrammar.FromSchema(Schema(schema)));

        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void AHugeSchemaIsRefusedForItsGrammarSize()
    {
        var properties = string.Join(",", Enumerable.Range(0, 3000).Select(i => $"\"property_number_{i}\":{{\"type\":\"string\"}}"));

        var error = Assert.Throws<JsonSchemaGrammarException>(
            () => JsonSchemaGrammar.FromSchema(Schema("{\"type\":\"object\",\"properties\":{" + properties + "}}")));

        Assert.Contains("characters, more than", error.Message);
    }
}
