namespace LlamaOrch.Core.Chat.Jinja;

internal sealed partial class JinjaEvaluator
{
    private object? Eval(JinjaExpr expr) => expr switch
    {
        JinjaExpr.Literal literal => literal.Value,
        JinjaExpr.Variable name => Lookup(name.Identifier),
        JinjaExpr.List list => CheckSize(list.Items.Select(Eval).ToList()),
        JinjaExpr.Dict dict => dict.Items.Aggregate(new Dictionary<string, object?>(StringComparer.Ordinal), (d, pair) =>
        {
            d[JinjaValues.ToText(Eval(pair.Key))] = Eval(pair.Value);
            return d;
        }),
        JinjaExpr.Attribute attribute => GetAttribute(Eval(attribute.Target), attribute.Name),
        JinjaExpr.Item item => GetItem(Eval(item.Target), Eval(item.Key)),
        JinjaExpr.Slice slice => Slice(slice),
        JinjaExpr.Call call => EvalCall(call),
        JinjaExpr.Filter filter => ApplyFilter(filter.Name, Eval(filter.Value), filter.Arguments),
        JinjaExpr.Test test => ApplyTest(test.Name, Eval(test.Value), EvalArguments(test.Arguments).Positional) != test.Negated,
        JinjaExpr.Unary unary => EvalUnary(unary),
        JinjaExpr.Binary binary => EvalBinary(binary),
        JinjaExpr.Conditional conditional => JinjaValues.IsTruthy(Eval(conditional.Condition))
            ? Eval(conditional.Then)
            : conditional.Else is null ? JinjaUndefined.Instance : Eval(conditional.Else),
        _ => throw new InvalidOperationException($"unknown expression {expr.GetType().Name}"),
    };

    private (List<object?> Positional, Dictionary<string, object?> Named) EvalArguments(JinjaCallArguments arguments)
    {
        var named = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in arguments.Named) named[name] = Eval(value);
        return (arguments.Positional.Select(Eval).ToList(), named);
    }

    private static object? GetAttribute(object? target, string name) => target switch
    {
        Dictionary<string, object?> dict => dict.TryGetValue(name, out var value) ? value : JinjaUndefined.Instance,
        JinjaNamespace ns => ns.Attributes.TryGetValue(name, out var value) ? value : JinjaUndefined.Instance,
        JinjaLoop loop => loop.Attribute(name),
        _ => JinjaUndefined.Instance,
    };

    private static object? GetItem(object? target, object? key)
    {
        switch (target)
        {
            case Dictionary<string, object?> or JinjaNamespace or JinjaLoop:
                return key is string name ? GetAttribute(target, name) : JinjaUndefined.Instance;
            case List<object?> list when key is long or bool:
                var index = JinjaValues.ToLong(key);
                if (index < 0) index += list.Count;
                return index >= 0 && index < list.Count ? list[(int)index] : JinjaUndefined.Instance;
            case string text when key is long or bool:
                var at = JinjaValues.ToLong(key);
                if (at < 0) at += text.Length;
                return at >= 0 && at < text.Length ? text[(int)at].ToString() : JinjaUndefined.Instance;
            default:
                return JinjaUndefined.Instance;
        }
    }

    private object? Slice(JinjaExpr.Slice slice)
    {
        var target = Eval(slice.Target);
        long? Bound(JinjaExpr? e) => e is null || Eval(e) is null or JinjaUndefined ? null : JinjaValues.ToLong(Eval(e));
        var (start, stop, step) = (Bound(slice.Start), Bound(slice.Stop), Bound(slice.Step) ?? 1);
        if (step == 0) throw new ChatTemplateException("chat template error: slice step cannot be zero");
        var length = target switch
        {
            List<object?> list => list.Count,
            string text => text.Length,
            JinjaUndefined => 0,
            _ => throw new ChatTemplateException($"chat template error: cannot slice {JinjaValues.TypeName(target)}"),
        };
        var indices = SliceIndices(length, start, stop, step);
        return target switch
        {
            List<object?> list => indices.Select(i => list[i]).ToList(),
            string text => string.Concat(indices.Select(i => text[i])),
            _ => new List<object?>(),
        };
    }

    /// <summary>Python's <c>slice.indices</c>, walked.</summary>
    private static List<int> SliceIndices(int length, long? start, long? stop, long step)
    {
        long Clamp(long value, long low, long high) => Math.Min(Math.Max(value, low), high);
        long Resolve(long? value, long fallback, long low, long high) =>
            value is not { } v ? fallback : Clamp(v < 0 ? v + length : v, low, high);
        var result = new List<int>();
        if (step > 0)
        {
            var from = Resolve(start, 0, 0, length);
            var to = Resolve(stop, length, 0, length);
            for (var i = from; i < to; i += step) result.Add((int)i);
        }
        else
        {
            var from = Resolve(start, length - 1, -1, length - 1);
            var to = Resolve(stop, -1, -1, length - 1);
            for (var i = from; i > to; i += step) result.Add((int)i);
        }
        return result;
    }

    private object? EvalCall(JinjaExpr.Call call)
    {
        if (call.Callee is JinjaExpr.Attribute method)
        {
            var target = Eval(method.Target);
            if (target is string or Dictionary<string, object?> or List<object?>
                && TryCallMethod(target, method.Name, call.Arguments, out var result)) return result;
            return Invoke(GetAttribute(target, method.Name), call.Arguments, method.Name);
        }
        return Invoke(Eval(call.Callee), call.Arguments, call.Callee is JinjaExpr.Variable name ? name.Identifier : "expression");
    }

    private object? Invoke(object? callee, JinjaCallArguments arguments, string what)
    {
        if (callee is not JinjaCallable callable)
            throw new ChatTemplateException($"chat template error: '{what}' is {JinjaValues.TypeName(callee)}, not a function");
        var (positional, named) = EvalArguments(arguments);
        return callable.Invoke(positional, named);
    }

    private object? EvalUnary(JinjaExpr.Unary unary)
    {
        var operand = Eval(unary.Operand);
        return unary.Operator switch
        {
            "not" => !JinjaValues.IsTruthy(operand),
            "-" => operand is long l ? (object)checked(-l) : -JinjaValues.ToDouble(operand),
            _ => operand is long or double ? operand : JinjaValues.ToDouble(operand),
        };
    }

    private object? EvalBinary(JinjaExpr.Binary binary)
    {
        if (binary.Operator == "and")
        {
            var left = Eval(binary.Left);
            return JinjaValues.IsTruthy(left) ? Eval(binary.Right) : left;
        }
        if (binary.Operator == "or")
        {
            var left = Eval(binary.Left);
            return JinjaValues.IsTruthy(left) ? left : Eval(binary.Right);
        }
        var l = Eval(binary.Left);
        var r = Eval(binary.Right);
        return binary.Operator switch
        {
            "==" => JinjaValues.AreEqual(l, r),
            "!=" => !JinjaValues.AreEqual(l, r),
            "<" => JinjaValues.Compare(l, r) < 0,
            ">" => JinjaValues.Compare(l, r) > 0,
            "<=" => JinjaValues.Compare(l, r) <= 0,
            ">=" => JinjaValues.Compare(l, r) >= 0,
            "in" => JinjaValues.Contains(r, l),
            "not in" => !JinjaValues.Contains(r, l),
            "~" => CheckSize(JinjaValues.ToText(l) + JinjaValues.ToText(r)),
            "+" => Add(l, r),
            "*" => Multiply(l, r),
            _ => Arithmetic(binary.Operator, l, r),
        };
    }

    private object? Add(object? l, object? r) => (l, r) switch
    {
        (string a, string b) => CheckSize(a + b),
        (List<object?> a, List<object?> b) => CheckSize(a.Concat(b).ToList()),
        _ => Arithmetic("+", l, r),
    };

    private object? Multiply(object? l, object? r)
    {
        var (text, times) = (l, r) switch
        {
            (string s, long n) => (s, n),
            (long n, string s) => (s, n),
            _ => (null, 0L),
        };
        if (text is null) return Arithmetic("*", l, r);
        if (times <= 0) return "";
        if ((double)text.Length * times > _limits.MaxOutputChars)
            throw new ChatTemplateException($"chat template error: a string exceeds {_limits.MaxOutputChars} characters");
        return string.Concat(Enumerable.Repeat(text, (int)times));
    }

    private static object? Arithmetic(string op, object? l, object? r)
    {
        if (!JinjaValues.IsNumber(l) || !JinjaValues.IsNumber(r))
            throw new ChatTemplateException($"chat template error: unsupported operand types for {op}: {JinjaValues.TypeName(l)} and {JinjaValues.TypeName(r)}");
        if (op == "/") return JinjaValues.ToDouble(l) / JinjaValues.ToDouble(r) is var q && double.IsFinite(q) ? q : throw new DivideByZeroException("division by zero");
        if (l is not double && r is not double)
        {
            long a = JinjaValues.ToLong(l), b = JinjaValues.ToLong(r);
            return op switch
            {
                "+" => (object)checked(a + b),
                "-" => checked(a - b),
                "*" => checked(a * b),
                "//" => b == 0 ? throw new DivideByZeroException("integer division by zero") : (long)Math.Floor((double)a / b),
                "%" => b == 0 ? throw new DivideByZeroException("modulo by zero") : ((a % b) + b) % b,
                "**" => b < 0 ? (object)Math.Pow(a, b) : Math.Abs(Math.Pow(a, b)) < 9e18 ? (long)Math.Pow(a, b) : throw new OverflowException("integer power too large"),
                _ => throw new ChatTemplateException($"chat template error: unknown operator {op}"),
            };
        }
        double x = JinjaValues.ToDouble(l), y = JinjaValues.ToDouble(r);
        return op switch
        {
            "+" => x + y,
            "-" => x - y,
            "*" => x * y,
            "//" => y == 0 ? throw new DivideByZeroException("float floor division by zero") : Math.Floor(x / y),
            "%" => y == 0 ? throw new DivideByZeroException("float modulo") : x - (y * Math.Floor(x / y)),
            "**" => Math.Pow(x, y),
            _ => throw new ChatTemplateException($"chat template error: unknown operator {op}"),
        };
    }
}
