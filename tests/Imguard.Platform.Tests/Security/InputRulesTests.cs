using System.Globalization;
using CsCheck;

namespace Imguard.Platform.Tests.Security;

/// <summary>The one character rule for stored and echoed text: what it refuses, what it lets through, and where it says.</summary>
public class InputRulesTests
{
    // Code points, not chars, as theory data: test names stay printable.
    public static TheoryData<int, string> Refused => new()
    {
        { 0x0000, "control" }, { 0x0001, "control" }, { 0x000D, "control" }, { 0x001B, "control" }, { 0x007F, "control" },
        { 0x0085, "control" }, { 0x009F, "control" },
        { 0x202A, "bidirectional" }, { 0x202B, "bidirectional" }, { 0x202C, "bidirectional" }, { 0x202D, "bidirectional" },
        { 0x202E, "bidirectional" }, { 0x2066, "bidirectional" }, { 0x2067, "bidirectional" }, { 0x2068, "bidirectional" },
        { 0x2069, "bidirectional" }, { 0x200E, "bidirectional" }, { 0x200F, "bidirectional" }, { 0x061C, "bidirectional" },
        { 0x200B, "zero-width" }, { 0x200C, "zero-width" }, { 0x200D, "zero-width" }, { 0x2060, "zero-width" }, { 0xFEFF, "zero-width" },
        { 0x2028, "line separator" }, { 0x2029, "line separator" }, { 0xD800, "surrogate" }, { 0xDFFF, "surrogate" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Names_and_texts_refuse_the_character_naming_field_code_kind_and_place(int codePoint, string kind)
    {
        char c = (char)codePoint;
        string value = "ab" + c + "cd";
        string? name = InputRules.Name(value, "project name", 200);
        Assert.NotNull(name);
        Assert.Contains("project name", name, StringComparison.Ordinal);
        Assert.Contains($"U+{(int)c:X4}", name, StringComparison.Ordinal);
        Assert.Contains(kind, name, StringComparison.Ordinal);
        Assert.Contains("character 3", name, StringComparison.Ordinal);
        Assert.NotNull(InputRules.Text(value, "description", 4000));
    }

    [Fact]
    public void A_description_may_have_line_feeds_and_tabs_and_a_name_may_not()
    {
        const string Lines = "first line\n\tsecond line";
        Assert.Null(InputRules.Text(Lines, "description", 4000));
        Assert.Contains("U+000A", InputRules.Name(Lines, "project name", 200), StringComparison.Ordinal);
        Assert.Contains("U+000D", InputRules.Text("windows\r\nline", "description", 4000), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Fashion-MNIST (test)")]
    [InlineData("Zoë's café, naïve résumé")]
    [InlineData("日本語のデータ")]
    [InlineData("نموذج عربي")] // right-to-left letters are text; only the invisible controls are refused
    [InlineData("shoes 👟 and 🧥 coats")]
    [InlineData("a\u00A0non-breaking space")]
    public void Ordinary_text_in_any_script_passes(string value)
    {
        Assert.Null(InputRules.Name(value, "project name", 200));
        Assert.Null(InputRules.Text(value, "description", 4000));
    }

    [Fact]
    public void The_rule_matches_its_definition_for_every_string()
    {
        // The definition, written out independently: C0/DEL/C1 controls, the listed bidi and zero-width characters,
        // line and paragraph separators, surrogates that are not part of a pair.
        static bool Bad(string s, int i, bool lineBreaks)
        {
            char c = s[i];
            if (char.IsSurrogate(c))
            {
                return !(char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                    && !(char.IsLowSurrogate(c) && i > 0 && char.IsHighSurrogate(s[i - 1]));
            }

            if (lineBreaks && c is '\n' or '\t')
            {
                return false;
            }

            return CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Control
                || "\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F\u061C\u200B\u200C\u200D\u2060\uFEFF\u2028\u2029".Contains(c, StringComparison.Ordinal);
        }

        // Mostly ordinary characters with the interesting ones mixed in, so both answers occur often.
        const string Interesting = "\0\n\t\r\u007F\u0090\u202E\u2067\u200D\uFEFF\u2028\uD83D\uDC5Faé日";
        Gen<char> interesting = Gen.Int[0, Interesting.Length - 1].Select(i => Interesting[i]);
        Gen<string> strings = Gen.Frequency((3, Gen.Char), (2, interesting)).Array[0, 12].Select(chars => new string(chars));
        strings.Sample(s =>
        {
            foreach (bool lineBreaks in new[] { false, true })
            {
                int expected = Enumerable.Range(0, s.Length).FirstOrDefault(i => Bad(s, i, lineBreaks), -1);
                Assert.Equal(expected, InputRules.FirstRefused(s, lineBreaks));
            }
        }, iter: 20_000);
    }
}
