using LlamaOrch.Core.Chat;
using LlamaOrch.Core.Chat.Jinja;

namespace LlamaOrch.Core.Tests.Chat;

public sealed class JinjaTemplateTests
{
    private static string Render(string template, Dictionary<string, object?>? variables = null, JinjaLimits? limits = null) =>
        JinjaTemplate.Parse(template).Render(variables ?? [], limits, () => new DateTimeOffset(2026, 12, 7, 5, 4, 3, TimeSpan.Zero));

    private static List<object?> L(params object?[] items) => [.. items];

    private static Dictionary<string, object?> D(params (string Key, object? Value)[] items) => items.ToDictionary(p => p.Key, p => p.Value);

    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("a{{ 1 + 2 }}b", "a3b")]
    [InlineData("a{# a comment #}b", "ab")]
    [InlineData("{{ 'x' ~ 1 ~ none }}", "x1None")]
    [InlineData("{{ \"it's\" }}", "it's")]
    [InlineData("{{ 'a' 'b' }}", "ab")]
    [InlineData("{{ 7 // 2 }} {{ 7 / 2 }} {{ 7 % 3 }} {{ -7 // 2 }} {{ 2 * 3 - 1 }} {{ 2 ** 10 }}", "3 3.5 1 -4 5 1024")]
    [InlineData("{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }}", "7 9")]
    [InlineData("{{ 1.5 + 1 }} {{ 1.0 }}", "2.5 1.0")]
    [InlineData("{{ 'ab' * 3 }}", "ababab")]
    [InlineData("{{ [1, 'a', none, true] }} {{ {'k': 'v'} }}", "[1, 'a', None, True] {'k': 'v'}")]
    [InlineData("{{ [\"a'b\", 'c\"d', 'e\\nf'] }} {{ 1e16 }} {{ 0.1 + 0.2 }} {{ 2.5e-5 }} {{ 1.5e15 }} {{ -0.001 }}", "[\"a'b\", 'c\"d', 'e\\nf'] 1e+16 0.30000000000000004 2.5e-05 1500000000000000.0 -0.001")]
    [InlineData("{{ 1 < 2 }} {{ 2 <= 1 }} {{ 'a' == 'a' }} {{ 1 != 1.0 }} {{ 'b' > 'a' }}", "True False True False True")]
    [InlineData("{{ 'b' in 'abc' }} {{ 2 in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 3 not in [1] }}", "True True True True")]
    [InlineData("{{ not true }} {{ true and false }} {{ false or 'x' }} {{ 0 and 1 }}", "False False x 0")]
    [InlineData("{{ 'y' if 1 > 0 else 'n' }}{{ 'y' if 0 else 'n' }}[{{ 'only' if false }}]", "yn[]")]
    [InlineData("{{ [1, 2, 3, 4][1:3] }} {{ [1, 2, 3][::-1] }} {{ 'hello'[1:] }} {{ 'hello'[-3:] }} {{ [1, 2, 3][-1] }} {{ 'abc'[::2] }}", "[2, 3] [3, 2, 1] ello llo 3 ac")]
    public void Expressions(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void AttributeAndSubscriptAccessReadDictsAndLists()
    {
        var variables = D(("m", D(("role", "user"), ("parts", L("a", "b")))));
        Assert.Equal("user user b b", Render("{{ m.role }} {{ m['role'] }} {{ m.parts[1] }} {{ m['parts'][-1] }}", variables));
    }

    [Fact]
    public void IfElifElse()
    {
        const string template = "{% if x == 1 %}one{% elif x == 2 %}two{% else %}many{% endif %}";
        Assert.Equal("one", Render(template, D(("x", 1L))));
        Assert.Equal("two", Render(template, D(("x", 2L))));
        Assert.Equal("many", Render(template, D(("x", 3L))));
    }

    [Fact]
    public void ForLoopVariables()
    {
        const string template = "{% for x in items %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.length }}"
            + "{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %}={{ x }};{% endfor %}";
        Assert.Equal("1/0/3/3F=a;2/1/2/3=b;3/2/1/3L=c;", Render(template, D(("items", L("a", "b", "c")))));
    }

    [Fact]
    public void ForElseFilterUnpackingAndLoopControls()
    {
        Assert.Equal("empty", Render("{% for x in [] %}{{ x }}{% else %}empty{% endfor %}"));
        Assert.Equal("empty", Render("{% for x in missing %}{{ x }}{% else %}empty{% endfor %}"));
        Assert.Equal("a=1,b=2,", Render("{% for k, v in d.items() %}{{ k }}={{ v }},{% endfor %}", D(("d", D(("a", 1L), ("b", 2L))))));
        Assert.Equal("a=1,b=2,", Render("{% for k, v in d | items %}{{ k }}={{ v }},{% endfor %}", D(("d", D(("a", 1L), ("b", 2L))))));
        Assert.Equal("2:2:4,", Render("{% for x in [1, 2, 3, 4] if x is even %}{{ loop.length }}:{% if loop.last %}{{ x }},{% endif %}{% endfor %}"));
        Assert.Equal("13", Render("{% for x in [1, 2, 3, 4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}"));
    }

    [Fact]
    public void SetNamespaceAndScopes()
    {
        Assert.Equal("3", Render("{% set x = 1 + 2 %}{{ x }}"));
        Assert.Equal("outer", Render("{% set x = 'outer' %}{% for i in [1] %}{% set x = 'inner' %}{% endfor %}{{ x }}"));
        Assert.Equal("3", Render("{% set ns = namespace(n=0) %}{% for i in [1, 2, 3] %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}"));
        Assert.Equal("[a]", Render("{% set block %}[{{ 'a' }}]{% endset %}{{ block }}"));
        Assert.Equal("1-2", Render("{% set a, b = 1, 2 %}{{ a }}-{{ b }}"));
    }

    [Fact]
    public void MacrosTakePositionalNamedAndDefaultArguments()
    {
        const string template = "{% macro greet(name, greeting='Hi') %}{{ greeting }}, {{ name }}!{% endmacro %}"
            + "{{ greet('Ann') }} {{ greet('Bo', greeting='Yo') }} {{ greet('Cy', 'Hey') }}";
        Assert.Equal("Hi, Ann! Yo, Bo! Hey, Cy!", Render(template));
    }

    [Theory]
    [InlineData("{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ x is not defined }}", "True False True False")]
    [InlineData("{{ n is none }} {{ s is string }} {{ d is mapping }} {{ l is iterable }} {{ s is iterable }} {{ l is sequence }} {{ i is number }} {{ s is number }}", "True True True True True True True False")]
    [InlineData("{{ i is not string }} {{ 3 is odd }} {{ 4 is even }} {{ 6 is divisibleby 3 }} {{ i is equalto 1 }} {{ b is true }} {{ b is false }}", "True True True True True True False")]
    public void Tests(string template, string expected)
    {
        var variables = D(("x", 1L), ("n", null), ("s", "text"), ("d", D()), ("l", L()), ("i", 1L), ("b", true));
        Assert.Equal(expected, Render(template, variables));
    }

    [Theory]
    [InlineData("{{ '  a b  ' | trim }}|{{ 'Ab' | upper }}|{{ 'Ab' | lower }}|{{ 'hello world' | capitalize }}|{{ 'hello world' | title }}", "a b|AB|ab|Hello world|Hello World")]
    [InlineData("{{ [1, 2] | length }} {{ 'abc' | count }} {{ {'a': 1} | length }}", "2 3 1")]
    [InlineData("{{ missing | default('d') }} {{ '' | default('d') }} {{ '' | default('d', true) }} {{ none | default('d') }}", "d  d None")]
    [InlineData("{{ ['a', 'b'] | join(', ') }} {{ [1, 2] | join }} {{ [1, 2] | first }} {{ [1, 2] | last }} {{ 'xy' | first }}", "a, b 12 1 2 x")]
    [InlineData("{{ 12 | string }} {{ 'a-b-c' | replace('-', '+') }} {{ 'a-b-c' | replace('-', '+', 1) }} {{ 'ab' | list }}", "12 a+b+c a+b-c ['a', 'b']")]
    [InlineData("{{ '42' | int }} {{ 'x' | int }} {{ 3.9 | int }} {{ '<b>' | safe }} {{ [3, 1, 3] | unique | list }} {{ [1, 2] | reverse | list }}", "42 0 3 <b> [3, 1] [2, 1]")]
    public void Filters(string template, string expected) => Assert.Equal(expected, Render(template));

    [Fact]
    public void SelectAttrRejectAttrAndMap()
    {
        var variables = D(("ms", L(D(("role", "system"), ("content", "s")), D(("role", "user"), ("content", "u"), ("name", "n")))));
        Assert.Equal("['u']", Render("{{ ms | selectattr('role', 'equalto', 'user') | map(attribute='content') | list }}", variables));
        Assert.Equal("['s']", Render("{{ ms | rejectattr('role', 'equalto', 'user') | map(attribute='content') | list }}", variables));
        Assert.Equal("['u']", Render("{{ ms | selectattr('name', 'defined') | map(attribute='content') | list }}", variables));
        Assert.Equal("['u']", Render("{{ ms | selectattr('name') | map(attribute='content') | list }}", variables));
        Assert.Equal("['SYSTEM', 'USER']", Render("{{ ms | map(attribute='role') | map('upper') | list }}", variables));
        Assert.Equal("a, c", Render("{{ ['a', 'code', 'c'] | reject('equalto', 'code') | join(', ') }}"));
    }

    [Fact]
    public void ToJsonWritesWhatPythonJsonDumpsWrites()
    {
        var variables = D(("v", D(("s", "Zürich \"q\"\n"), ("n", 1L), ("f", 1.5), ("b", false), ("z", null), ("l", L(1L, 2L)), ("e", D()))));
        Assert.Equal("{\"s\": \"Zürich \\\"q\\\"\\n\", \"n\": 1, \"f\": 1.5, \"b\": false, \"z\": null, \"l\": [1, 2], \"e\": {}}", Render("{{ v | tojson }}", variables));
        Assert.Equal("{\n  \"a\": [\n    1\n  ]\n}", Render("{{ {'a': [1]} | tojson(indent=2) }}"));
    }

    [Theory]
    [InlineData("{{ '  x  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ '  x'.lstrip() }}|{{ 'x  '.rstrip() }}|", "x|a|x|x|")]
    [InlineData("{{ 'a,b,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a,b,c'.split(',', 1) }}", "['a', 'b', 'c'] ['a', 'b'] ['a', 'b,c']")]
    [InlineData("{{ 'hello'.startswith('he') }} {{ 'hello'.endswith('lo') }} {{ 'hello'.startswith(('x', 'h')) }}", "True True True")]
    [InlineData("{{ 'Ab'.upper() }} {{ 'Ab'.lower() }} {{ 'a-b'.replace('-', '+') }} {{ 'hello world'.title() }}", "AB ab a+b Hello World")]
    [InlineData("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 'dflt') }} {{ d.keys() | list }} {{ d.values() | list }} {{ d.items() | list | length }}", "1 None dflt ['a'] [1] 1")]
    public void Methods(string template, string expected) => Assert.Equal(expected, Render(template, D(("d", D(("a", 1L))))));

    [Fact]
    public void GlobalsRangeAndStrftimeNow()
    {
        Assert.Equal("[0, 1, 2] [2, 3] [5, 3, 1]", Render("{{ range(3) | list }} {{ range(2, 4) | list }} {{ range(5, 0, -2) | list }}"));
        Assert.Equal("07 Dec 2026 05:04", Render("{{ strftime_now('%d %b %Y %H:%M') }}"));
    }

    [Fact]
    public void RaiseExceptionIsTheTemplatesOwnMessage()
    {
        var error = Assert.Throws<ChatTemplateException>(() => Render("{% if true %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}"));
        Assert.Equal("Only user and assistant roles are supported!", error.Message);
    }

    [Fact]
    public void UndefinedIsFalsyEmptyAndNotDefined()
    {
        Assert.Equal("[]", Render("[{{ nothing }}]"));
        Assert.Equal("no", Render("{% if nothing %}yes{% else %}no{% endif %}"));
        Assert.Equal("[]", Render("[{{ nothing.deeper.still }}{{ d.missing }}{{ d['missing'] }}{{ l[5] }}]", D(("d", D()), ("l", L()))));
        Assert.Equal("False 0", Render("{{ d.missing is defined }} {{ nothing | length }}", D(("d", D()))));
    }

    [Fact]
    public void WhitespaceControlStripsTheMarkedSide()
    {
        Assert.Equal("a b", Render("a {{- ' ' -}} \n  b"));
        Assert.Equal("ab", Render("a\n  {%- if true -%}\n  b\n{%- endif %}"));
        Assert.Equal("ab", Render("a  {#- comment -#}  b"));
    }

    [Fact]
    public void TrimBlocksAndLstripBlocksAreOnAsTransformersSetsThem()
    {
        // The newline after a block tag goes, and so does the indentation before a block tag on its own line.
        Assert.Equal("x\ny", Render("{% if true %}\nx\n    {% endif %}\ny\n"));
        Assert.Equal("  x\n", Render("{% for i in [1] %}\n  x\n{% endfor %}\n"));
        // Output tags keep their surroundings; only the one newline that ends the template goes (keep_trailing_newline off).
        Assert.Equal("  1\n  2", Render("  {{ 1 }}\n  {{ 2 }}\n"));
        Assert.Equal("1\n", Render("{{ 1 }}\n\n"));
    }

    [Fact]
    public void SyntaxErrorsAreChatTemplateExceptionsWithTheLine()
    {
        Assert.Contains("line 2", Assert.Throws<ChatTemplateException>(() => JinjaTemplate.Parse("ok\n{% if x %}")).Message, StringComparison.Ordinal);
        Assert.Throws<ChatTemplateException>(() => JinjaTemplate.Parse("{{ 1 + }}"));
        Assert.Throws<ChatTemplateException>(() => JinjaTemplate.Parse("{% frobnicate %}"));
        Assert.Throws<ChatTemplateException>(() => JinjaTemplate.Parse("{{ 'unclosed }}"));
        Assert.Throws<ChatTemplateException>(() => Render("{{ x | nosuchfilter }}"));
    }

    [Fact]
    public void HostileTemplatesAreBounded()
    {
        var limits = new JinjaLimits { MaxIterations = 10_000, MaxOutputChars = 100_000, MaxCallDepth = 16 };
        Assert.Contains("iterations", Assert.Throws<ChatTemplateException>(() => Render("{% for i in range(1000000000) %}{% endfor %}", limits: limits)).Message, StringComparison.Ordinal);
        Assert.Contains("iterations", Assert.Throws<ChatTemplateException>(() =>
            Render("{% for i in range(9000) %}{% for j in range(9000) %}{% endfor %}{% endfor %}", limits: limits)).Message, StringComparison.Ordinal);
        Assert.Contains("characters", Assert.Throws<ChatTemplateException>(() =>
            Render("{% for i in range(5000) %}{{ 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' }}{% endfor %}", limits: limits)).Message, StringComparison.Ordinal);
        Assert.Contains("characters", Assert.Throws<ChatTemplateException>(() =>
            Render("{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}", limits: limits)).Message, StringComparison.Ordinal);
        Assert.Contains("characters", Assert.Throws<ChatTemplateException>(() => Render("{{ 'x' * 1000000000 }}", limits: limits)).Message, StringComparison.Ordinal);
        Assert.Contains("nested", Assert.Throws<ChatTemplateException>(() =>
            Render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", limits: limits)).Message, StringComparison.Ordinal);
        Assert.Contains("nesting", Assert.Throws<ChatTemplateException>(() => JinjaTemplate.Parse("{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}")).Message, StringComparison.Ordinal);
    }
}
