namespace Imguard.Platform.Api;

/// <summary>Decoding of binary request fields (keys, signatures) sent as base64.</summary>
internal static class ApiInput
{
    /// <summary>The bytes <paramref name="text"/> encodes, or null when it is not base64 or decodes to more than <paramref name="maxBytes"/>.</summary>
    public static byte[]? Base64(string? text, int maxBytes)
    {
        if (string.IsNullOrEmpty(text) || text.Length > (maxBytes + 2) / 3 * 4)
        {
            return null;
        }
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
