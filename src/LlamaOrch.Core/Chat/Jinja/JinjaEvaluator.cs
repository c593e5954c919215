using System.Text;

namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>Runs a parsed template over a set of variables, within <see cref="JinjaLimits"/>.</summary>
internal sealed partial class JinjaEvaluator
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private readonly JinjaLimits _limits;
    private readonly Func<DateTimeOffset> _now;
    private readonly Dictionary<string, object?> _globals;
    private List<Dictionary<string, object?>> _scopes;
    private StringBuilder _output = new();
    private long _iterations;
    private int _callDepth;

    private JinjaEvaluator(IReadOnlyDictionary<string, object?> variables, JinjaLimits limits, Func<DateTimeOffset> now)
    {
        _limits = limits;
        _now = now;
        _globals = Globals();
        _scopes = [new Dictionary<string, object?>(variables, StringComparer.Ordinal)];
    }

    public static string Render(IReadOnlyList<JinjaNode> template, IReadOnlyDictionary<string, object?> variables, JinjaLimits limits, Func<DateTimeOffset> now)
    {
        var evaluator = new JinjaEvaluator(variables, limits, now);
        try
        {
            evaluator.Execute(template);
        }
        catch (Exception error) when (error is OverflowException or DivideByZeroException or InsufficientExecutionStackException)
        {
            throw new ChatTemplateException($"chat template error: {error.Message}");
        }
        return evaluator._output.ToString();
    }

    private Flow Execute(IReadOnlyList<JinjaNode> nodes)
    {
        foreach (var node in nodes)
        {
            var flow = node switch
            {
                JinjaNode.Text text => Write(text.Value),
                JinjaNode.Output output => Write(JinjaValues.ToText(Eval(output.Value))),
                JinjaNode.If branch => ExecuteIf(branch),
                JinjaNode.For loop => ExecuteFor(loop),
                JinjaNode.Set set => ExecuteSet(set),
                JinjaNode.Macro macro => DefineMacro(macro),
                JinjaNode.Block block => Execute(block.Body),
                JinjaNode.Break => Flow.Break,
                JinjaNode.Continue => Flow.Continue,
                _ => throw new InvalidOperationException($"unknown node {node.GetType().Name}"),
            };
            if (flow != Flow.Normal) return flow;
        }
        return Flow.Normal;
    }

    private Flow Write(string text)
    {
        if (_output.Length + text.Length > _limits.MaxOutputChars)
            throw new ChatTemplateException($"chat template error: output exceeds {_limits.MaxOutputChars} characters");
        _output.Append(text);
        return Flow.Normal;
    }

    private Flow ExecuteIf(JinjaNode.If node)
    {
        foreach (var (condition, body) in node.Branches)
            if (JinjaValues.IsTruthy(Eval(condition))) return Execute(body);
        return Execute(node.Else);
    }

    private Flow ExecuteFor(JinjaNode.For node)
    {
        var source = JinjaValues.Iterate(Eval(node.Iterable));
        var scope = new Dictionary<string, object?>(StringComparer.Ordinal);
        _scopes.Add(scope);
        try
        {
            var items = source;
            if (node.Filter is not null)
            {
                items = [];
                foreach (var item in source)
                {
                    CountIterations(1);
                    Bind(scope, node.Targets, item);
                    if (JinjaValues.IsTruthy(Eval(node.Filter))) items.Add(item);
                }
            }
            var loop = new JinjaLoop(items);
            for (var i = 0; i < items.Count; i++)
            {
                CountIterations(1);
                scope.Clear();
                Bind(scope, node.Targets, items[i]);
                loop.Index0 = i;
                scope["loop"] = loop;
                if (Execute(node.Body) == Flow.Break) break;
            }
            if (items.Count == 0)
            {
                scope.Clear();
                return Execute(node.Else);
            }
            return Flow.Normal;
        }
        finally
        {
            _scopes.RemoveAt(_scopes.Count - 1);
        }
    }

    private static void Bind(Dictionary<string, object?> scope, IReadOnlyList<string> targets, object? value)
    {
        if (targets.Count == 1)
        {
            scope[targets[0]] = value;
            return;
        }
        if (value is not List<object?> tuple || tuple.Count != targets.Count)
            throw new ChatTemplateException($"chat template error: cannot unpack {JinjaValues.TypeName(value)} into {targets.Count} names");
        for (var i = 0; i < targets.Count; i++) scope[targets[i]] = tuple[i];
    }

    private void CountIterations(long count)
    {
        _iterations += count;
        if (_iterations > _limits.MaxIterations)
            throw new ChatTemplateException($"chat template error: more than {_limits.MaxIterations} loop iterations");
    }

    private Flow ExecuteSet(JinjaNode.Set node)
    {
        var value = node.Body is not null ? Capture(node.Body) : Eval(node.Value!);
        if (node.Attribute is { } attribute)
        {
            if (Lookup(node.Targets[0]) is not JinjaNamespace ns)
                throw new ChatTemplateException($"chat template error: cannot set attribute '{attribute}' of '{node.Targets[0]}', which is not a namespace");
            ns.Attributes[attribute] = value;
        }
        else Bind(_scopes[^1], node.Targets, value);
        return Flow.Normal;
    }

    /// <summary>Renders a body into its own string (a block set, a macro call) under the same output bound.</summary>
    private string Capture(IReadOnlyList<JinjaNode> body)
    {
        var outer = _output;
        _output = new StringBuilder();
        try
        {
            Execute(body);
            return _output.ToString();
        }
        finally
        {
            var captured = _output.Length;
            _output = outer;
            if (captured + _output.Length > _limits.MaxOutputChars)
                throw new ChatTemplateException($"chat template error: output exceeds {_limits.MaxOutputChars} characters");
        }
    }

    private Flow DefineMacro(JinjaNode.Macro node)
    {
        _scopes[^1][node.Name] = new JinjaCallable(node.Name, (positional, named) =>
        {
            if (++_callDepth > _limits.MaxCallDepth)
                throw new ChatTemplateException($"chat template error: macro calls nested deeper than {_limits.MaxCallDepth}");
            var outerScopes = _scopes;
            var locals = new Dictionary<string, object?>(StringComparer.Ordinal);
            _scopes = [outerScopes[0], locals];
            try
            {
                for (var i = 0; i < node.Parameters.Count; i++)
                {
                    var (name, fallback) = node.Parameters[i];
                    locals[name] = i < positional.Count ? positional[i]
                        : named.TryGetValue(name, out var given) ? given
                        : fallback is not null ? Eval(fallback) : JinjaUndefined.Instance;
                }
                return Capture(node.Body);
            }
            finally
            {
                _scopes = outerScopes;
                _callDepth--;
            }
        });
        return Flow.Normal;
    }

    private object? Lookup(string name)
    {
        for (var i = _scopes.Count - 1; i >= 0; i--)
            if (_scopes[i].TryGetValue(name, out var value)) return value;
        return _globals.TryGetValue(name, out var global) ? global : JinjaUndefined.Instance;
    }

    private string CheckSize(string text) => text.Length > _limits.MaxOutputChars
        ? throw new ChatTemplateException($"chat template error: a string exceeds {_limits.MaxOutputChars} characters")
        : text;

    private List<object?> CheckSize(List<object?> list)
    {
        CountIterations(list.Count);
        return list;
    }
}
