using CsCheck;
using Imguard.Audit.Verification;

namespace Imguard.Audit.Tests.Verification;

/// <summary>Trusted checkpoints as an operator gives them: <c>SEQ:HASH</c>, a file of those lines, or the platform's JSON.</summary>
public sealed class AuditAnchorTests
{
    private const string Hash = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    [Fact]
    public void One_anchor_parses_and_prints_back()
    {
        AuditAnchor anchor = AuditAnchor.Parse($" 42:{Hash.ToUpperInvariant()} ");
        Assert.Equal(42, anchor.Sequence);
        Assert.Equal($"42:{Hash}", anchor.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("42")]
    [InlineData(":" + Hash)]
    [InlineData("0:" + Hash)]
    [InlineData("-1:" + Hash)]
    [InlineData("4x:" + Hash)]
    [InlineData("42:" + "0011")]
    [InlineData("42:" + Hash + "00")]
    [InlineData("42:zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")]
    public void Malformed_anchors_are_refused_with_a_format_error(string text) =>
        Assert.Throws<FormatException>(() => AuditAnchor.Parse(text));

    [Fact]
    public void A_file_of_lines_skips_comments_and_blank_lines_and_names_a_bad_line()
    {
        IReadOnlyList<AuditAnchor> anchors = AuditAnchor.ParseList($"# copies\n\n3:{Hash}\r\n6:{Hash}\n");
        Assert.Equal([3L, 6L], anchors.Select(a => a.Sequence));
        FormatException e = Assert.Throws<FormatException>(() => AuditAnchor.ParseList($"3:{Hash}\n6:nothex\n"));
        Assert.StartsWith("Line 2:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_platforms_json_is_read_as_anchors()
    {
        string page = $$"""{"checkpoints":[{"sequence":3,"timestamp":"2026-12-01T09:00:00Z","chainHash":"{{Hash}}","keyId":"k","signature":"00"}],"nextCursor":null}""";
        Assert.Equal([3L], AuditAnchor.ParseList(page).Select(a => a.Sequence));
        Assert.Equal([7L], AuditAnchor.ParseList($$"""[{"sequence":7,"chainHash":"{{Hash}}"}]""").Select(a => a.Sequence));
        Assert.Throws<FormatException>(() => AuditAnchor.ParseList("""{"checkpoints":[{"sequence":"7"}]}"""));
        Assert.Throws<FormatException>(() => AuditAnchor.ParseList("""{"checkpoints": """));
        Assert.Throws<FormatException>(() => AuditAnchor.ParseList("""{"other":1}"""));
    }

    [Fact]
    public void Any_text_reads_as_anchors_or_is_refused_with_a_format_error()
    {
        Gen<string> text = Gen.OneOf<string>(
            Gen.String,
            Gen.String[Gen.Char["0123456789abcdef:#\n{}[]\",sequencechainHash"], 0, 200],
            Gen.Select(Gen.Long, Gen.String[Gen.Char["0123456789abcdef"], 60, 68]).Select(t => $"{t.Item1}:{t.Item2}"));
        text.Sample(t =>
        {
            try
            {
                Assert.All(AuditAnchor.ParseList(t), a => Assert.True(a.Sequence >= 1 && a.ChainHash.Length == 32));
            }
            catch (FormatException)
            {
            }
        }, iter: 5000);
    }
}
