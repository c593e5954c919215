using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace LlamaOrch.Bdd.Runner;

/// <summary>One [Step] pattern on one method: matches a step's text and calls the method with its captures.</summary>
internal sealed class StepBinding(StepAttribute attribute, MethodInfo method)
{
    public string Pattern => attribute.Pattern;

    public MethodInfo Method => method;

    public Match Match(string text) => attribute.Regex.Match(text);

    /// <summary>
    /// Calls the method on its step class (made once per scenario): each capture converted to its parameter's
    /// type, then the step's doc string (a string parameter) or data table (a <see cref="StepTable"/>) if it has one.
    /// </summary>
    public async Task InvokeAsync(ScenarioContext context, Match match, object? argument)
    {
        var parameters = method.GetParameters();
        var captures = match.Groups.Cast<Group>().Skip(1).Select(g => g.Value).ToList();
        var expected = captures.Count + (argument is null ? 0 : 1);
        if (parameters.Length != expected)
        {
            throw new StepBindingException(
                $"{method.DeclaringType!.Name}.{method.Name} takes {parameters.Length} parameters; the step gives {captures.Count} captures" +
                (argument is null ? "" : " and a " + (argument is StepTable ? "data table" : "doc string")));
        }
        var args = new object?[parameters.Length];
        for (var i = 0; i < captures.Count; i++) args[i] = Convert(captures[i], parameters[i].ParameterType);
        if (argument is not null) args[^1] = argument;

        var target = method.IsStatic ? null : context.Get(method.DeclaringType!);
        object? result;
        try
        {
            result = method.Invoke(target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        switch (result)
        {
            case Task task: await task; break;
            case ValueTask valueTask: await valueTask; break;
        }
    }

    private static object Convert(string value, Type type)
    {
        if (type == typeof(string)) return value;
        if (type == typeof(int)) return int.Parse(value, CultureInfo.InvariantCulture);
        if (type == typeof(long)) return long.Parse(value, CultureInfo.InvariantCulture);
        if (type == typeof(double)) return double.Parse(value, CultureInfo.InvariantCulture);
        if (type == typeof(bool)) return bool.Parse(value);
        throw new StepBindingException($"a capture cannot become a {type.Name}");
    }
}
