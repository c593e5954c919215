using System.Text.RegularExpressions;

namespace LlamaOrch.Bdd.Runner;

/// <summary>
/// Binds a method to the steps whose text matches <paramref name="pattern"/> in full, whatever their keyword
/// (Given, When, Then, And, But): the keyword is for the reader, the text is the contract. Each capture
/// group becomes one argument, in order.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
internal sealed class StepAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;

    public Regex Regex { get; } = new("^" + pattern + "$", RegexOptions.CultureInvariant);
}
