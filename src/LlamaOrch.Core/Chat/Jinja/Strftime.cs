using System.Globalization;
using System.Text;

namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>C's <c>strftime</c> directives (the C locale), for the <c>strftime_now</c> global that Llama 3.x templates call.</summary>
internal static class Strftime
{
    public static string Format(DateTimeOffset time, string format)
    {
        var c = CultureInfo.InvariantCulture;
        var builder = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                builder.Append(format[i]);
                continue;
            }
            var directive = format[++i];
            builder.Append(directive switch
            {
                'd' => time.ToString("dd", c),
                'e' => time.Day.ToString(c).PadLeft(2),
                'b' or 'h' => time.ToString("MMM", c),
                'B' => time.ToString("MMMM", c),
                'm' => time.ToString("MM", c),
                'y' => time.ToString("yy", c),
                'Y' => time.Year.ToString(c),
                'H' => time.ToString("HH", c),
                'I' => time.ToString("hh", c),
                'M' => time.ToString("mm", c),
                'S' => time.ToString("ss", c),
                'p' => time.Hour < 12 ? "AM" : "PM",
                'a' => time.ToString("ddd", c),
                'A' => time.ToString("dddd", c),
                'j' => time.DayOfYear.ToString("000", c),
                'Z' => time.Offset == TimeSpan.Zero ? "UTC" : "",
                'z' => time.ToString("zzz", c).Replace(":", "", StringComparison.Ordinal),
                '%' => "%",
                _ => "%" + directive,
            });
        }
        return builder.ToString();
    }
}
