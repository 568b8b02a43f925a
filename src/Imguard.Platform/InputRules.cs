using System.Globalization;
using System.Text.Json;

namespace Imguard.Platform;

/// <summary>
/// Checks on free text and JSON shared by the services and the API's text filter; each returns why the input is
/// refused, or null. The character rule (<see cref="FirstRefused"/>) is the one place that decides which characters
/// the platform stores or echoes: none that changes how text around it is shown or that a database refuses.
/// </summary>
internal static class InputRules
{
    /// <summary>A required single-line name: trimmed length 1..max, no character <see cref="FirstRefused"/> refuses (no line break or tab either).</summary>
    public static string? Name(string? value, string what, int max)
    {
        string trimmed = value?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            return $"The {what} must not be empty.";
        }

        if (trimmed.Length > max)
        {
            return $"The {what} is {trimmed.Length} characters long; the limit is {max}.";
        }

        return Characters(trimmed, what, lineBreaks: false);
    }

    /// <summary>
    /// Optional free text up to <paramref name="max"/> characters (a description): several lines, so line feeds and
    /// tabs are allowed; every other character <see cref="FirstRefused"/> refuses is not.
    /// </summary>
    public static string? Text(string? value, string what, int max)
    {
        if (value is null)
        {
            return null;
        }

        return value.Length > max ? $"The {what} is {value.Length} characters long; the limit is {max}." : Characters(value, what, lineBreaks: true);
    }

    /// <summary>Why <paramref name="value"/> is refused for a character (naming it, its kind and where), or null.</summary>
    public static string? Characters(string? value, string what, bool lineBreaks)
    {
        int index = FirstRefused(value, lineBreaks);
        if (index < 0)
        {
            return null;
        }

        char c = value![index];
        string code = char.IsSurrogate(c) ? $"U+{(int)c:X4} (half of a character: a lone surrogate)" : $"U+{(int)c:X4} ({Kind(c)})";
        return $"The {what} must not contain {code}; found at character {(index + 1).ToString(CultureInfo.InvariantCulture)}.";
    }

    /// <summary>
    /// The index of the first character the platform refuses in stored or echoed text, or -1:
    /// <list type="bullet">
    /// <item>control characters: C0 (U+0000–U+001F, NUL included: PostgreSQL cannot store it), DEL (U+007F) and C1
    /// (U+0080–U+009F), except line feed and tab when <paramref name="lineBreaks"/> (carriage returns never: a
    /// terminal moves back to the start of the line);</item>
    /// <item>bidirectional formatting (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C): they reorder what a
    /// reader sees ("Trojan Source", CVE-2021-42574);</item>
    /// <item>zero-width characters (U+200B–U+200D, U+2060, U+FEFF): two names that look the same would differ;</item>
    /// <item>line and paragraph separators (U+2028, U+2029) and lone surrogates (not text; PostgreSQL's encoder
    /// refuses them).</item>
    /// </list>
    /// </summary>
    public static int FirstRefused(ReadOnlySpan<char> value, bool lineBreaks)
    {
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++; // a pair: one character outside the BMP, which the lists above do not reach
                continue;
            }

            if (IsRefused(c, lineBreaks))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>A JSON object of at most <paramref name="maxLength"/> characters.</summary>
    public static string? JsonObject(string? value, string what, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"The {what} must be a JSON object; none was given.";
        }

        if (value.Length > maxLength)
        {
            return $"The {what} is {value.Length} characters long; the limit is {maxLength}.";
        }

        try
        {
            using var document = JsonDocument.Parse(value);
            return document.RootElement.ValueKind == JsonValueKind.Object ? null : $"The {what} must be a JSON object, not a {document.RootElement.ValueKind}.";
        }
        catch (JsonException e)
        {
            return $"The {what} is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).";
        }
    }

    // A single UTF-16 unit; surrogate pairs are handled by the caller.
    private static bool IsRefused(char c, bool lineBreaks) => c switch
    {
        '\n' or '\t' => !lineBreaks,
        < '\u0020' or (>= '\u007F' and <= '\u009F') => true,
        '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') => true,
        (>= '\u200B' and <= '\u200D') or '\u2060' or '\uFEFF' => true,
        '\u2028' or '\u2029' => true,
        _ => char.IsSurrogate(c),
    };

    private static string Kind(char c) => c switch
    {
        < '\u0020' or (>= '\u007F' and <= '\u009F') => "a control character",
        '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') => "a bidirectional control",
        '\u2028' or '\u2029' => "a line separator",
        _ => "a zero-width character",
    };
}
