using System.Text;
using System.Text.Json;
using LlamaOrch.Core.Artifacts;

namespace LlamaOrch.Core.Tests.Artifacts;

public sealed class CanonicalJsonTests
{
    private static string Canonical(string json)
    {
        using var document = JsonDocument.Parse(json);
        var text = new StringBuilder();
        CanonicalJson.Write(text, document.RootElement);
        return text.ToString();
    }

    private static ArtifactDocument Document(string content, string[] tags, string? metadata = null, string? parent = null, string? session = null)
    {
        using var body = JsonDocument.Parse(content);
        using var meta = metadata is null ? null : JsonDocument.Parse(metadata);
        return ArtifactDocument.Create("plan", body.RootElement, tags, parent, meta?.RootElement, session);
    }

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_and_whitespace_goes()
    {
        // RFC 8785 §3.2.3's example order: "\r" < "1" < "\u0080" < "ö" < "€" < "😀" (a surrogate pair) < "\ufb33".
        Assert.Equal("{\"\\r\":1,\"1\":2,\"\u0080\":3,\"ö\":4,\"€\":5,\"😀\":6,\"\ufb33\":7}",
            Canonical("{ \"\ufb33\": 7, \"😀\": 6, \"€\": 5, \"ö\": 4, \"\u0080\": 3, \"1\": 2, \"\\r\": 1 }"));
        Assert.Equal("{\"a\":[1,{\"b\":true,\"c\":null}]}", Canonical("{\n \"a\" : [ 1 , { \"c\" : null , \"b\" : true } ] }"));
    }

    [Theory]
    [InlineData("1.0", "1")]
    [InlineData("-0", "0")]
    [InlineData("1e3", "1000")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("1e21", "1e+21")]
    [InlineData("123456789012345678000", "123456789012345680000")]
    [InlineData("4.50", "4.5")]
    [InlineData("-1.5E+2", "-150")]
    [InlineData("333333333.33333329", "333333333.3333333")]
    [InlineData("2e-3", "0.002")]
    public void Numbers_are_written_as_ecmascript_writes_a_double(string json, string canonical) =>
        Assert.Equal(canonical, Canonical(json));

    [Fact]
    public void Strings_are_escaped_minimally()
    {
        Assert.Equal("\"\\u000f\\n\\\"\\\\/é€\"", Canonical("\"\\u000f\\n\\\"\\\\\\/\\u00e9€\""));
    }

    [Fact]
    public void Duplicate_member_names_and_out_of_range_numbers_are_refused()
    {
        Assert.Throws<FormatException>(() => Canonical("{\"a\":1,\"a\":2}"));
        Assert.Throws<FormatException>(() => Canonical("1e999"));
    }

    [Fact]
    public void The_same_content_in_another_key_order_or_tag_order_has_the_same_id()
    {
        var first = Document("{\"x\":1,\"y\":{\"b\":2,\"a\":1}}", ["b", "a", "a"], "{\"m\":1}");
        var second = Document("{ \"y\": { \"a\": 1.0, \"b\": 2 }, \"x\": 1 }", ["a", "b"], "{\"m\":1}");

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(["a", "b"], second.Tags);
        Assert.Equal("{\"content\":{\"x\":1,\"y\":{\"a\":1,\"b\":2}},\"kind\":\"plan\",\"metadata\":{\"m\":1},\"tags\":[\"a\",\"b\"]}",
            Encoding.UTF8.GetString(first.Bytes));
        Assert.True(ArtifactIds.TryParse(first.Id, out _));
    }

    [Fact]
    public void Tags_parent_session_and_metadata_are_part_of_the_id()
    {
        var plain = Document("{}", []).Id;
        Assert.NotEqual(plain, Document("{}", ["t"]).Id);
        Assert.NotEqual(plain, Document("{}", [], "{\"m\":1}").Id);
        Assert.NotEqual(plain, Document("{}", [], parent: plain).Id);
        Assert.NotEqual(plain, Document("{}", [], session: "3f2b8c1e-5a4d-4e7b-9c0a-1d2e3f4a5b6c").Id);
        Assert.Equal(plain, Document("{}", [], "{}").Id); // metadata {} is metadata left out
    }

    [Theory]
    [InlineData("sha256:../../etc")]
    [InlineData("sha256:0123")]
    [InlineData("SHA256:0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha256:000000000000000000000000000000000000000000000000000000000000000G")]
    [InlineData("sha256:ABCDEF0000000000000000000000000000000000000000000000000000000000")]
    [InlineData("../0000000000000000000000000000000000000000000000000000000000000000")]
    public void Ids_that_are_not_sha256_and_64_lowercase_hex_digits_are_refused(string id) =>
        Assert.False(ArtifactIds.TryParse(id, out _));
}
