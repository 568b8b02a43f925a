namespace Imguard.Party.Jobs;

/// <summary>A failure's description for the platform and the logs: our own messages (ids, shapes, counts, never values) or just the kind of error.</summary>
internal static class FailureDescription
{
    public static string Of(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string text = e switch
        {
            HttpRequestException h => $"the platform could not be reached ({(h.StatusCode is { } s ? $"HTTP {(int)s}" : h.HttpRequestError.ToString())})",
            _ when e.GetType().Namespace?.StartsWith("Imguard", StringComparison.Ordinal) == true => e.Message,
            InvalidDataException or TimeoutException or ArgumentException or IOException or InvalidOperationException => e.Message,
            _ => $"internal error ({e.GetType().Name}); see the party's log",
        };
        return text.Length <= 1000 ? text : text[..1000];
    }
}
