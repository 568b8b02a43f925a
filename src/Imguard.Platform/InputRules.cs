using System.Text.Json;

namespace Imguard.Platform;

/// <summary>Checks on free text and JSON shared by the services; each returns why the input is refused, or null.</summary>
internal static class InputRules
{
    /// <summary>A required single-line name: trimmed length 1..max, no control characters.</summary>
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

        return trimmed.Any(char.IsControl) ? $"The {what} must not contain control characters." : null;
    }

    /// <summary>Optional free text up to <paramref name="max"/> characters.</summary>
    public static string? Text(string? value, string what, int max) =>
        value is { Length: var length } && length > max ? $"The {what} is {length} characters long; the limit is {max}." : null;

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
}
