using System.Globalization;
using System.Text;

namespace Imguard.Cli.Client;

/// <summary>
/// Text from the platform made safe to print on a terminal: every character that is not visible text — controls (C0,
/// DEL, C1: an escape sequence could rewrite the screen), format characters (bidirectional overrides that reorder
/// what follows, zero-width characters), line and paragraph separators and lone surrogates — is shown as
/// <c>\uXXXX</c>. The platform refuses such characters in names now; rows stored before it did are printed this way.
/// </summary>
internal static class TerminalText
{
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                builder.Append(c).Append(text[++i]); // a character outside the BMP (an emoji, say)
                continue;
            }

            bool hidden = char.IsSurrogate(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
            if (hidden)
            {
                builder.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
