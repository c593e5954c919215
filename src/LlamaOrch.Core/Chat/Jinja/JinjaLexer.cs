using System.Globalization;
using System.Text;

namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>
/// Splits a template into text and tag tokens. Whitespace is handled the way transformers' <c>apply_chat_template</c>
/// configures Jinja (and llama.cpp's renderer copies): <c>trim_blocks</c> (the newline after a block or comment tag
/// goes), <c>lstrip_blocks</c> (spaces and tabs before a block tag on its own line go), and <c>-</c> on either side
/// of any tag strips all whitespace on that side.
/// </summary>
internal sealed class JinjaLexer
{
    private static readonly string[] Operators =
        ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "="];

    private readonly string _source;
    private readonly List<JinjaToken> _tokens = [];
    private int _pos;
    private int _line = 1;
    private bool _stripNextText;
    private bool _trimNextNewline;

    private JinjaLexer(string source) => _source = source;

    public static List<JinjaToken> Tokenize(string source)
    {
        // Jinja's keep_trailing_newline is off (transformers leaves it so): one newline at the very end goes.
        if (source.EndsWith("\r\n", StringComparison.Ordinal)) source = source[..^2];
        else if (source.EndsWith('\n')) source = source[..^1];
        var lexer = new JinjaLexer(source);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _source.Length)
        {
            var tag = NextTagStart(_pos);
            var textEnd = tag < 0 ? _source.Length : tag;
            var text = _source[_pos..textEnd];
            var textStart = _pos;
            if (tag >= 0)
            {
                var kind = _source[tag + 1];
                var marker = tag + 2 < _source.Length ? _source[tag + 2] : '\0';
                if (marker == '-') text = text.TrimEnd();
                else if (kind != '{' && marker != '+') text = LstripBlock(text, textStart);
            }
            EmitText(text);
            if (tag < 0) break;
            _pos = tag;
            ReadTag();
        }
        _tokens.Add(new JinjaToken(JinjaTokenKind.End, null, _line));
    }

    private int NextTagStart(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
            if (_source[i + 1] is '{' or '%' or '#') return i;
        return -1;
    }

    private string LstripBlock(string text, int textStart)
    {
        var lastNewline = text.LastIndexOf('\n');
        var tailStart = lastNewline + 1;
        for (var i = tailStart; i < text.Length; i++)
            if (text[i] is not (' ' or '\t')) return text;
        var atLineStart = lastNewline >= 0 || textStart == 0 || _source[textStart - 1] == '\n';
        return atLineStart ? text[..tailStart] : text;
    }

    private void EmitText(string text)
    {
        if (_stripNextText) text = text.TrimStart();
        else if (_trimNextNewline)
        {
            if (text.StartsWith("\r\n", StringComparison.Ordinal)) text = text[2..];
            else if (text.StartsWith('\n')) text = text[1..];
        }
        _stripNextText = _trimNextNewline = false;
        if (text.Length > 0) _tokens.Add(new JinjaToken(JinjaTokenKind.Text, text, _line));
        _line += text.Count(c => c == '\n');
    }

    private void ReadTag()
    {
        var kind = _source[_pos + 1];
        var start = _pos;
        _pos += 2;
        if (_pos < _source.Length && _source[_pos] is '-' or '+') _pos++;
        if (kind == '#')
        {
            var end = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
            if (end < 0) throw Error("unclosed comment");
            _line += _source.AsSpan(start, end - start).Count('\n');
            _stripNextText = _source[end - 1] == '-' && end - 1 >= _pos;
            _trimNextNewline = !_stripNextText;
            _pos = end + 2;
            return;
        }

        var close = kind == '{' ? "}}" : "%}";
        _tokens.Add(new JinjaToken(kind == '{' ? JinjaTokenKind.VarBegin : JinjaTokenKind.BlockBegin, null, _line));
        while (true)
        {
            SkipWhitespace();
            if (_pos >= _source.Length) throw Error($"tag not closed with '{close}'");
            if (_source[_pos] == '-' && string.CompareOrdinal(_source, _pos + 1, close, 0, 2) == 0)
            {
                _stripNextText = true;
                _pos += 3;
                break;
            }
            if (string.CompareOrdinal(_source, _pos, close, 0, 2) == 0)
            {
                _trimNextNewline = kind == '%';
                _pos += 2;
                break;
            }
            ReadToken();
        }
        _tokens.Add(new JinjaToken(kind == '{' ? JinjaTokenKind.VarEnd : JinjaTokenKind.BlockEnd, null, _line));
    }

    private void SkipWhitespace()
    {
        while (_pos < _source.Length && char.IsWhiteSpace(_source[_pos]))
        {
            if (_source[_pos] == '\n') _line++;
            _pos++;
        }
    }

    private void ReadToken()
    {
        var c = _source[_pos];
        if (char.IsLetter(c) || c == '_')
        {
            var start = _pos;
            while (_pos < _source.Length && (char.IsLetterOrDigit(_source[_pos]) || _source[_pos] == '_')) _pos++;
            _tokens.Add(new JinjaToken(JinjaTokenKind.Name, _source[start.._pos], _line));
        }
        else if (char.IsAsciiDigit(c)) ReadNumber();
        else if (c is '"' or '\'') ReadString(c);
        else
        {
            foreach (var op in Operators)
            {
                if (string.CompareOrdinal(_source, _pos, op, 0, op.Length) != 0) continue;
                _tokens.Add(new JinjaToken(JinjaTokenKind.Operator, op, _line));
                _pos += op.Length;
                return;
            }
            throw Error($"unexpected character '{c}'");
        }
    }

    private void ReadNumber()
    {
        var start = _pos;
        while (_pos < _source.Length && (char.IsAsciiDigit(_source[_pos]) || _source[_pos] == '_')) _pos++;
        var isFloat = false;
        if (_pos + 1 < _source.Length && _source[_pos] == '.' && char.IsAsciiDigit(_source[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            while (_pos < _source.Length && char.IsAsciiDigit(_source[_pos])) _pos++;
        }
        var exponentDigits = _pos + 1 < _source.Length && _source[_pos + 1] is '+' or '-' ? _pos + 2 : _pos + 1;
        if (_pos < _source.Length && _source[_pos] is 'e' or 'E' && exponentDigits < _source.Length && char.IsAsciiDigit(_source[exponentDigits]))
        {
            isFloat = true;
            _pos = exponentDigits;
            while (_pos < _source.Length && char.IsAsciiDigit(_source[_pos])) _pos++;
        }
        var text = _source[start.._pos].Replace("_", "", StringComparison.Ordinal);
        object value;
        if (isFloat) value = double.Parse(text, CultureInfo.InvariantCulture);
        else if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var integer)) value = integer;
        else throw Error($"integer literal {text} is too large");
        _tokens.Add(new JinjaToken(JinjaTokenKind.Number, value, _line));
    }

    private void ReadString(char quote)
    {
        var builder = new StringBuilder();
        _pos++;
        while (true)
        {
            if (_pos >= _source.Length) throw Error("unclosed string literal");
            var c = _source[_pos++];
            if (c == quote) break;
            if (c == '\n') _line++;
            if (c != '\\' || _pos >= _source.Length)
            {
                builder.Append(c);
                continue;
            }
            var escaped = _source[_pos++];
            switch (escaped)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case '\\': builder.Append('\\'); break;
                case '\'': builder.Append('\''); break;
                case '"': builder.Append('"'); break;
                case 'u' when _pos + 4 <= _source.Length && int.TryParse(_source.AsSpan(_pos, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var code):
                    builder.Append((char)code);
                    _pos += 4;
                    break;
                default: builder.Append('\\').Append(escaped); break;
            }
        }
        _tokens.Add(new JinjaToken(JinjaTokenKind.String, builder.ToString(), _line));
    }

    private ChatTemplateException Error(string message) => new($"chat template syntax error at line {_line}: {message}");
}
