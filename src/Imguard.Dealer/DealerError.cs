namespace Imguard.Dealer;

/// <summary>
/// The dealer project's expected failures in its building blocks (a training dealer, a hiding dealer, a test-encoding
/// plan asked for something they do not hold) and in starting its own service. Messages name settings, indices and shapes, never a value. A refused
/// request at the dealer's endpoints is a <see cref="Sessions.DealerException"/> instead.
/// </summary>
internal static class DealerError
{
    public static ArgumentException InvalidArgument(string message) => new(message);

    /// <summary>A deployment setting the dealer cannot run with (as the service defaults word theirs).</summary>
    public static InvalidOperationException BadSetting(string setting, string message) => new($"Setting '{setting}': {message}");
}
