namespace LlamaOrch.Core.Chat.Jinja;

internal sealed partial class JinjaParser
{
    private static readonly HashSet<string> Comparisons = ["==", "!=", "<", ">", "<=", ">="];

    private JinjaExpr ParseTupleOrExpression()
    {
        var first = ParseExpression();
        if (!Current.IsOperator(",")) return first;
        var items = new List<JinjaExpr> { first };
        while (Current.IsOperator(","))
        {
            Advance();
            items.Add(ParseExpression());
        }
        return new JinjaExpr.List(items);
    }

    private JinjaExpr ParseExpression() => ParseOr(allowConditional: true);

    private JinjaExpr ParseOr(bool allowConditional)
    {
        Enter();
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            Advance();
            left = new JinjaExpr.Binary("or", left, ParseAnd());
        }
        if (allowConditional && Current.IsName("if"))
        {
            Advance();
            var condition = ParseOr(allowConditional: false);
            JinjaExpr? otherwise = null;
            if (Current.IsName("else"))
            {
                Advance();
                otherwise = ParseOr(allowConditional: true);
            }
            left = new JinjaExpr.Conditional(condition, left, otherwise);
        }
        _depth--;
        return left;
    }

    private JinjaExpr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            Advance();
            left = new JinjaExpr.Binary("and", left, ParseNot());
        }
        return left;
    }

    private JinjaExpr ParseNot()
    {
        if (!Current.IsName("not")) return ParseCompare();
        Advance();
        Enter();
        var operand = ParseNot();
        _depth--;
        return new JinjaExpr.Unary("not", operand);
    }

    private JinjaExpr ParseCompare()
    {
        var left = ParseAdditive();
        while (true)
        {
            if (Current.Kind == JinjaTokenKind.Operator && Comparisons.Contains(Current.Text))
            {
                var op = Advance().Text;
                left = new JinjaExpr.Binary(op, left, ParseAdditive());
            }
            else if (Current.IsName("in"))
            {
                Advance();
                left = new JinjaExpr.Binary("in", left, ParseAdditive());
            }
            else if (Current.IsName("not") && _tokens[_index + 1].IsName("in"))
            {
                _index += 2;
                left = new JinjaExpr.Binary("not in", left, ParseAdditive());
            }
            else return left;
        }
    }

    private JinjaExpr ParseAdditive()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Advance().Text;
            left = new JinjaExpr.Binary(op, left, ParseConcat());
        }
        return left;
    }

    private JinjaExpr ParseConcat()
    {
        var left = ParseMultiplicative();
        while (Current.IsOperator("~"))
        {
            Advance();
            left = new JinjaExpr.Binary("~", left, ParseMultiplicative());
        }
        return left;
    }

    private JinjaExpr ParseMultiplicative()
    {
        var left = ParsePower();
        while (Current.Kind == JinjaTokenKind.Operator && Current.Text is "*" or "/" or "//" or "%")
        {
            var op = Advance().Text;
            left = new JinjaExpr.Binary(op, left, ParsePower());
        }
        return left;
    }

    private JinjaExpr ParsePower()
    {
        var left = ParseUnary();
        while (Current.IsOperator("**"))
        {
            Advance();
            left = new JinjaExpr.Binary("**", left, ParseUnary());
        }
        return left;
    }

    private JinjaExpr ParseUnary()
    {
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Advance().Text;
            Enter();
            var operand = ParseUnary();
            _depth--;
            return new JinjaExpr.Unary(op, operand);
        }
        return ParseFilters(ParsePostfix(ParsePrimary()));
    }

    private JinjaExpr ParsePrimary()
    {
        var token = Advance();
        switch (token.Kind)
        {
            case JinjaTokenKind.Number:
                return new JinjaExpr.Literal(token.Value);
            case JinjaTokenKind.String:
                var text = token.Text;
                while (Current.Kind == JinjaTokenKind.String) text += Advance().Text;
                return new JinjaExpr.Literal(text);
            case JinjaTokenKind.Name:
                return token.Text switch
                {
                    "true" or "True" => new JinjaExpr.Literal(true),
                    "false" or "False" => new JinjaExpr.Literal(false),
                    "none" or "None" => new JinjaExpr.Literal(null),
                    _ => new JinjaExpr.Variable(token.Text),
                };
            case JinjaTokenKind.Operator when token.Text == "(":
                if (Current.IsOperator(")"))
                {
                    Advance();
                    return new JinjaExpr.List([]);
                }
                var inner = ParseTupleOrExpression();
                Expect(JinjaTokenKind.Operator, ")");
                return inner;
            case JinjaTokenKind.Operator when token.Text == "[":
                var items = new List<JinjaExpr>();
                while (!Current.IsOperator("]"))
                {
                    items.Add(ParseExpression());
                    if (!Current.IsOperator(",")) break;
                    Advance();
                }
                Expect(JinjaTokenKind.Operator, "]");
                return new JinjaExpr.List(items);
            case JinjaTokenKind.Operator when token.Text == "{":
                var pairs = new List<(JinjaExpr, JinjaExpr)>();
                while (!Current.IsOperator("}"))
                {
                    var key = ParseExpression();
                    Expect(JinjaTokenKind.Operator, ":");
                    pairs.Add((key, ParseExpression()));
                    if (!Current.IsOperator(",")) break;
                    Advance();
                }
                Expect(JinjaTokenKind.Operator, "}");
                return new JinjaExpr.Dict(pairs);
            default:
                _index--;
                throw Error("expected an expression");
        }
    }

    private JinjaExpr ParsePostfix(JinjaExpr target)
    {
        while (true)
        {
            if (Current.IsOperator("."))
            {
                Advance();
                var name = Current.Kind == JinjaTokenKind.Number ? Advance().Value!.ToString()! : ExpectName();
                target = new JinjaExpr.Attribute(target, name);
            }
            else if (Current.IsOperator("["))
            {
                Advance();
                target = ParseSubscript(target);
            }
            else if (Current.IsOperator("("))
            {
                Advance();
                target = new JinjaExpr.Call(target, ParseArguments());
            }
            else return target;
        }
    }

    private JinjaExpr ParseSubscript(JinjaExpr target)
    {
        JinjaExpr? start = null, stop = null, step = null;
        if (!Current.IsOperator(":")) start = ParseExpression();
        if (!Current.IsOperator(":"))
        {
            Expect(JinjaTokenKind.Operator, "]");
            return new JinjaExpr.Item(target, start!);
        }
        Advance();
        if (!Current.IsOperator(":") && !Current.IsOperator("]")) stop = ParseExpression();
        if (Current.IsOperator(":"))
        {
            Advance();
            if (!Current.IsOperator("]")) step = ParseExpression();
        }
        Expect(JinjaTokenKind.Operator, "]");
        return new JinjaExpr.Slice(target, start, stop, step);
    }

    /// <summary>After the opening parenthesis: positional and <c>name=value</c> arguments up to the closing one.</summary>
    private JinjaCallArguments ParseArguments()
    {
        var positional = new List<JinjaExpr>();
        var named = new List<(string, JinjaExpr)>();
        while (!Current.IsOperator(")"))
        {
            if (Current.Kind == JinjaTokenKind.Name && _tokens[_index + 1].IsOperator("="))
            {
                var name = Advance().Text;
                Advance();
                named.Add((name, ParseExpression()));
            }
            else positional.Add(ParseExpression());
            if (!Current.IsOperator(",")) break;
            Advance();
        }
        Expect(JinjaTokenKind.Operator, ")");
        return new JinjaCallArguments(positional, named);
    }

    private JinjaExpr ParseFilters(JinjaExpr value)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                Advance();
                var name = ExpectName();
                var arguments = JinjaCallArguments.None;
                if (Current.IsOperator("("))
                {
                    Advance();
                    arguments = ParseArguments();
                }
                value = new JinjaExpr.Filter(value, name, arguments);
            }
            else if (Current.IsName("is"))
            {
                Advance();
                var negated = false;
                if (Current.IsName("not"))
                {
                    Advance();
                    negated = true;
                }
                var name = ExpectName();
                var arguments = JinjaCallArguments.None;
                if (Current.IsOperator("("))
                {
                    Advance();
                    arguments = ParseArguments();
                }
                else if (Current.Kind is JinjaTokenKind.String or JinjaTokenKind.Number
                    || (Current.Kind == JinjaTokenKind.Name && Current.Text is not ("and" or "or" or "else" or "if" or "in" or "not" or "is")))
                {
                    // `x is equalto 5`, `x is sameas false`: one argument without parentheses.
                    arguments = new JinjaCallArguments([ParsePostfix(ParsePrimary())], []);
                }
                value = new JinjaExpr.Test(value, name, arguments, negated);
            }
            else return value;
        }
    }
}
