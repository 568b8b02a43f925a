using System.Globalization;
using System.Text.Json;

namespace Imguard.Audit.Verification;

/// <summary>
/// A trusted checkpoint held outside the audit log (by the platform, or written down by an operator): "record
/// <see cref="Sequence"/> had chain hash <see cref="ChainHash"/>, and a checkpoint was signed there". Verifying
/// against it finds what the log alone cannot: a tail cut back to an earlier checkpoint together with the
/// checkpoints after it, and a rewrite whose covering checkpoints were deleted. Written <c>SEQ:HASH</c> (decimal,
/// then the 64 hex digits of the chain hash).
/// </summary>
public sealed record AuditAnchor(long Sequence, byte[] ChainHash)
{
    /// <summary>Parses <c>SEQ:HASH</c>; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static AuditAnchor Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !long.TryParse(trimmed.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out long sequence) || sequence < 1)
        {
            throw new FormatException("A trusted checkpoint is written SEQ:HASH, SEQ a record number from 1.");
        }

        return new AuditAnchor(sequence, ParseHash(trimmed[(colon + 1)..]));
    }

    /// <summary>
    /// Parses a file of trusted checkpoints: either lines of <c>SEQ:HASH</c> (blank lines and lines starting with
    /// <c>#</c> ignored), or the JSON the platform serves (<c>GET /api/audit/checkpoints</c>: an object with a
    /// <c>checkpoints</c> array, or an array, of objects with <c>sequence</c> and <c>chainHash</c>).
    /// </summary>
    public static IReadOnlyList<AuditAnchor> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return trimmed.StartsWith('[') || trimmed.StartsWith('{') ? ParseJson(trimmed) : ParseLines(text);
    }

    /// <summary>The anchor as <c>SEQ:HASH</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Sequence}:{Convert.ToHexStringLower(ChainHash)}");

    private static List<AuditAnchor> ParseLines(string text)
    {
        var anchors = new List<AuditAnchor>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            try
            {
                anchors.Add(Parse(line));
            }
            catch (FormatException e)
            {
                throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Line {i + 1}: {e.Message}"), e);
            }
        }

        return anchors;
    }

    private static List<AuditAnchor> ParseJson(string text)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            JsonElement list = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("checkpoints", out JsonElement inner)
                ? inner
                : document.RootElement;
            if (list.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("The JSON holds no array of checkpoints.");
            }

            var anchors = new List<AuditAnchor>();
            int index = 0;
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object ||
                    !item.TryGetProperty("sequence", out JsonElement sequence) || sequence.ValueKind != JsonValueKind.Number || !sequence.TryGetInt64(out long s) || s < 1 ||
                    !item.TryGetProperty("chainHash", out JsonElement hash) || hash.ValueKind != JsonValueKind.String)
                {
                    throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"Checkpoint {index}: it needs a sequence (from 1) and a chainHash."));
                }

                anchors.Add(new AuditAnchor(s, ParseHash(hash.GetString()!)));
                index++;
            }

            return anchors;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new FormatException("The file starts like JSON but is not valid JSON.");
        }
    }

    private static byte[] ParseHash(string hex)
    {
        string h = hex.Trim();
        if (h.Length != 64 || !h.All(char.IsAsciiHexDigit))
        {
            throw new FormatException("The chain hash of a trusted checkpoint is 64 hexadecimal digits.");
        }

        return Convert.FromHexString(h);
    }
}
