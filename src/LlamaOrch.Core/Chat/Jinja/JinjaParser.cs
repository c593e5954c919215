namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>Builds the statement tree from the lexer's tokens (recursive descent, Jinja's own precedence).</summary>
internal sealed partial class JinjaParser
{
    // A hostile template could nest deeply enough to overflow the stack; no published template comes close.
    private const int MaxDepth = 128;

    private readonly List<JinjaToken> _tokens;
    private int _index;
    private int _depth;

    private JinjaParser(List<JinjaToken> tokens) => _tokens = tokens;

    public static IReadOnlyList<JinjaNode> Parse(string source)
    {
        var parser = new JinjaParser(JinjaLexer.Tokenize(source));
        var body = parser.ParseBody(out var stoppedAt);
        if (stoppedAt is not null) throw parser.Error($"unexpected '{{% {stoppedAt} %}}'");
        return body;
    }

    private JinjaToken Current => _tokens[_index];

    private JinjaToken Advance() => _tokens[_index++];

    /// <summary>Parses statements until the end or a block tag whose keyword ends a body (left unconsumed after its name).</summary>
    private List<JinjaNode> ParseBody(out string? stoppedAt, params string[] terminators)
    {
        Enter();
        var nodes = new List<JinjaNode>();
        stoppedAt = null;
        while (Current.Kind != JinjaTokenKind.End)
        {
            var token = Advance();
            switch (token.Kind)
            {
                case JinjaTokenKind.Text:
                    nodes.Add(new JinjaNode.Text(token.Text));
                    break;
                case JinjaTokenKind.VarBegin:
                    nodes.Add(new JinjaNode.Output(ParseExpression()));
                    Expect(JinjaTokenKind.VarEnd, "}}");
                    break;
                case JinjaTokenKind.BlockBegin:
                    var keyword = Current.Kind == JinjaTokenKind.Name ? Current.Text : throw Error("expected a statement name after '{%'");
                    if (terminators.Contains(keyword))
                    {
                        Advance();
                        stoppedAt = keyword;
                        _depth--;
                        return nodes;
                    }
                    Advance();
                    nodes.Add(ParseStatement(keyword));
                    break;
                default:
                    throw Error("unexpected token");
            }
        }
        if (terminators.Length > 0) throw Error($"missing '{{% {terminators[^1]} %}}' before the end of the template");
        _depth--;
        return nodes;
    }

    private JinjaNode ParseStatement(string keyword) => keyword switch
    {
        "if" => ParseIf(),
        "for" => ParseFor(),
        "set" => ParseSet(),
        "macro" => ParseMacro(),
        "generation" => ParseBlock("endgeneration"),
        "break" => EndTag(new JinjaNode.Break()),
        "continue" => EndTag(new JinjaNode.Continue()),
        _ => throw Error($"unsupported statement '{keyword}'"),
    };

    private JinjaNode EndTag(JinjaNode node)
    {
        Expect(JinjaTokenKind.BlockEnd, "%}");
        return node;
    }

    private JinjaNode ParseIf()
    {
        var branches = new List<(JinjaExpr, IReadOnlyList<JinjaNode>)>();
        var condition = ParseExpression();
        Expect(JinjaTokenKind.BlockEnd, "%}");
        while (true)
        {
            var body = ParseBody(out var stoppedAt, "elif", "else", "endif");
            branches.Add((condition, body));
            if (stoppedAt == "elif")
            {
                condition = ParseExpression();
                Expect(JinjaTokenKind.BlockEnd, "%}");
                continue;
            }
            if (stoppedAt == "else")
            {
                Expect(JinjaTokenKind.BlockEnd, "%}");
                var elseBody = ParseBody(out _, "endif");
                Expect(JinjaTokenKind.BlockEnd, "%}");
                return new JinjaNode.If(branches, elseBody);
            }
            Expect(JinjaTokenKind.BlockEnd, "%}");
            return new JinjaNode.If(branches, []);
        }
    }

    private JinjaNode ParseFor()
    {
        var targets = ParseTargets();
        if (!Current.IsName("in")) throw Error("expected 'in' in a for loop");
        Advance();
        var iterable = ParseOr(allowConditional: false);
        JinjaExpr? filter = null;
        if (Current.IsName("if"))
        {
            Advance();
            filter = ParseOr(allowConditional: false);
        }
        Expect(JinjaTokenKind.BlockEnd, "%}");
        var body = ParseBody(out var stoppedAt, "else", "endfor");
        List<JinjaNode> elseBody = [];
        if (stoppedAt == "else")
        {
            Expect(JinjaTokenKind.BlockEnd, "%}");
            elseBody = ParseBody(out _, "endfor");
        }
        Expect(JinjaTokenKind.BlockEnd, "%}");
        return new JinjaNode.For(targets, iterable, filter, body, elseBody);
    }

    private List<string> ParseTargets()
    {
        var targets = new List<string> { ExpectName() };
        while (Current.IsOperator(","))
        {
            Advance();
            targets.Add(ExpectName());
        }
        return targets;
    }

    private JinjaNode ParseSet()
    {
        var targets = ParseTargets();
        string? attribute = null;
        if (targets.Count == 1 && Current.IsOperator("."))
        {
            Advance();
            attribute = ExpectName();
        }
        if (Current.Kind == JinjaTokenKind.BlockEnd && attribute is null && targets.Count == 1)
        {
            Advance();
            var body = ParseBody(out _, "endset");
            Expect(JinjaTokenKind.BlockEnd, "%}");
            return new JinjaNode.Set(targets, null, null, body);
        }
        Expect(JinjaTokenKind.Operator, "=");
        var value = ParseTupleOrExpression();
        Expect(JinjaTokenKind.BlockEnd, "%}");
        return new JinjaNode.Set(targets, attribute, value, null);
    }

    private JinjaNode ParseMacro()
    {
        var name = ExpectName();
        Expect(JinjaTokenKind.Operator, "(");
        var parameters = new List<(string, JinjaExpr?)>();
        while (!Current.IsOperator(")"))
        {
            var parameter = ExpectName();
            JinjaExpr? fallback = null;
            if (Current.IsOperator("="))
            {
                Advance();
                fallback = ParseExpression();
            }
            parameters.Add((parameter, fallback));
            if (!Current.IsOperator(",")) break;
            Advance();
        }
        Expect(JinjaTokenKind.Operator, ")");
        Expect(JinjaTokenKind.BlockEnd, "%}");
        var body = ParseBody(out _, "endmacro");
        Expect(JinjaTokenKind.BlockEnd, "%}");
        return new JinjaNode.Macro(name, parameters, body);
    }

    private JinjaNode ParseBlock(string end)
    {
        Expect(JinjaTokenKind.BlockEnd, "%}");
        var body = ParseBody(out _, end);
        Expect(JinjaTokenKind.BlockEnd, "%}");
        return new JinjaNode.Block(body);
    }

    private string ExpectName()
    {
        if (Current.Kind != JinjaTokenKind.Name) throw Error("expected a name");
        return Advance().Text;
    }

    private void Expect(JinjaTokenKind kind, string what)
    {
        var token = Current;
        if (token.Kind != kind || (kind == JinjaTokenKind.Operator && token.Text != what)) throw Error($"expected '{what}'");
        Advance();
    }

    private void Enter()
    {
        if (++_depth > MaxDepth) throw Error($"nesting deeper than {MaxDepth}");
    }

    private ChatTemplateException Error(string message)
    {
        var token = Current;
        var near = token.Kind switch
        {
            JinjaTokenKind.End => "end of template",
            JinjaTokenKind.VarEnd => "'}}'",
            JinjaTokenKind.BlockEnd => "'%}'",
            _ => $"'{token.Value}'",
        };
        return new ChatTemplateException($"chat template syntax error at line {token.Line} near {near}: {message}");
    }
}
