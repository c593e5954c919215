namespace LlamaOrch.Core.Chat;

/// <summary>A template that cannot be rendered for these messages (bad syntax, or its own <c>raise_exception</c>): the client's 400.</summary>
public sealed class ChatTemplateException(string message) : Exception(message);
