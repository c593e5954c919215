namespace LlamaOrch.Core.Chat.Jinja;

internal sealed partial class JinjaEvaluator
{
    private static readonly char[] PythonWhitespace = [' ', '\t', '\n', '\r', '\v', '\f'];

    /// <summary>The Python methods templates call on strings and dicts; false when <paramref name="name"/> is none of them.</summary>
    private bool TryCallMethod(object? target, string name, JinjaCallArguments arguments, out object? result)
    {
        result = null;
        if (target is string text)
        {
            if (!IsStringMethod(name)) return false;
            var (args, _) = EvalArguments(arguments);
            result = StringMethod(text, name, args);
            return true;
        }
        if (target is Dictionary<string, object?> dict && name is "get" or "items" or "keys" or "values")
        {
            var (args, _) = EvalArguments(arguments);
            result = name switch
            {
                "get" => args.Count > 0 && args[0] is string key && dict.TryGetValue(key, out var value) ? value : args.Count > 1 ? args[1] : null,
                "items" => CheckSize(dict.Select(p => (object?)new List<object?> { p.Key, p.Value }).ToList()),
                "keys" => CheckSize(dict.Keys.Cast<object?>().ToList()),
                _ => CheckSize(dict.Values.ToList()),
            };
            return true;
        }
        return false;
    }

    private static bool IsStringMethod(string name) => name is "strip" or "lstrip" or "rstrip" or "split" or "startswith" or "endswith"
        or "upper" or "lower" or "replace" or "title" or "capitalize" or "find" or "count" or "join" or "splitlines";

    private object? StringMethod(string text, string name, List<object?> args)
    {
        char[] Chars() => args.Count > 0 && args[0] is string chars ? chars.ToCharArray() : PythonWhitespace;
        string Arg(int i) => i < args.Count ? JinjaValues.ToText(args[i]) : throw new ChatTemplateException($"chat template error: {name}() needs more arguments");
        return name switch
        {
            "strip" => text.Trim(Chars()),
            "lstrip" => text.TrimStart(Chars()),
            "rstrip" => text.TrimEnd(Chars()),
            "split" => Split(text, args),
            "startswith" => Affixes(args).Any(p => text.StartsWith(p, StringComparison.Ordinal)),
            "endswith" => Affixes(args).Any(p => text.EndsWith(p, StringComparison.Ordinal)),
            "upper" => text.ToUpperInvariant(),
            "lower" => text.ToLowerInvariant(),
            "replace" => Replace(text, Arg(0), Arg(1), args.Count > 2 ? args[2] : null),
            "title" => Title(text),
            "capitalize" => Capitalize(text),
            "find" => (long)text.IndexOf(Arg(0), StringComparison.Ordinal),
            "count" => Arg(0).Length == 0 ? text.Length + 1L : (long)((text.Length - text.Replace(Arg(0), "", StringComparison.Ordinal).Length) / Arg(0).Length),
            "join" => CheckSize(string.Join(text, JinjaValues.Iterate(args.Count > 0 ? args[0] : null).Select(JinjaValues.ToText))),
            _ => text.Split('\n').Select(line => (object?)line.TrimEnd('\r')).ToList(),
        };
    }

    private static IEnumerable<string> Affixes(List<object?> args) => args.Count == 0
        ? throw new ChatTemplateException("chat template error: startswith/endswith need an argument")
        : args[0] is List<object?> many ? many.Select(JinjaValues.ToText) : [JinjaValues.ToText(args[0])];

    private List<object?> Split(string text, List<object?> args)
    {
        var max = args.Count > 1 ? JinjaValues.ToLong(args[1]) : -1;
        var count = max < 0 ? int.MaxValue : (int)Math.Min(max + 1, int.MaxValue);
        List<object?> parts = args.Count == 0 || args[0] is null
            ? text.Split(PythonWhitespace, count, StringSplitOptions.RemoveEmptyEntries).Select(p => (object?)p).ToList()
            : JinjaValues.ToText(args[0]) is { Length: > 0 } separator
                ? text.Split(separator, count).Select(p => (object?)p).ToList()
                : throw new ChatTemplateException("chat template error: empty separator");
        return CheckSize(parts);
    }

    private Dictionary<string, object?> Globals() => new(StringComparer.Ordinal)
    {
        ["range"] = new JinjaCallable("range", (args, _) => Range(args.ToList())),
        ["namespace"] = new JinjaCallable("namespace", (args, named) =>
        {
            var ns = new JinjaNamespace();
            if (args.Count > 0 && args[0] is Dictionary<string, object?> initial)
                foreach (var (k, v) in initial) ns.Attributes[k] = v;
            foreach (var (k, v) in named) ns.Attributes[k] = v;
            return ns;
        }),
        ["dict"] = new JinjaCallable("dict", (_, named) => new Dictionary<string, object?>(named, StringComparer.Ordinal)),
        ["raise_exception"] = new JinjaCallable("raise_exception", (args, _) =>
            throw new ChatTemplateException(args.Count > 0 ? JinjaValues.ToText(args[0]) : "the chat template raised an exception")),
        ["strftime_now"] = new JinjaCallable("strftime_now", (args, _) => Strftime.Format(_now(), args.Count > 0 ? JinjaValues.ToText(args[0]) : "")),
    };

    private List<object?> Range(List<object?> args)
    {
        long start = 0, stop, step = 1;
        switch (args.Count)
        {
            case 1: stop = JinjaValues.ToLong(args[0]); break;
            case 2: (start, stop) = (JinjaValues.ToLong(args[0]), JinjaValues.ToLong(args[1])); break;
            case 3: (start, stop, step) = (JinjaValues.ToLong(args[0]), JinjaValues.ToLong(args[1]), JinjaValues.ToLong(args[2])); break;
            default: throw new ChatTemplateException("chat template error: range takes 1 to 3 arguments");
        }
        if (step == 0) throw new ChatTemplateException("chat template error: range step cannot be zero");
        var count = step > 0 ? Math.Max(0, (stop - start + step - 1) / step) : Math.Max(0, (start - stop - step - 1) / -step);
        CountIterations(count);
        var result = new List<object?>((int)count);
        for (var i = 0L; i < count; i++) result.Add(start + (i * step));
        return result;
    }
}
