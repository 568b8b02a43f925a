namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// Where one role is reached (<see cref="Url"/>, what clients dial) and where it listens (<see cref="Listen"/>,
/// <c>host:port</c>; by default the URL's own host and port). Separate so that a service behind NAT or on
/// <c>0.0.0.0</c> can still advertise a name its certificate carries.
/// </summary>
public sealed record ServiceEndpoint
{
    public required Uri Url { get; init; }

    public string? Listen { get; init; }

    /// <summary>The address and port to bind.</summary>
    public (string Host, int Port) ListenAddress()
    {
        if (string.IsNullOrWhiteSpace(Listen))
        {
            return (Url.Host, Url.Port);
        }
        int colon = Listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(Listen.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
        {
            throw ServiceError.BadSetting("listen", $"'{Listen}' is not host:port.");
        }
        return (Listen[..colon].Trim('[', ']'), port);
    }

    internal void Validate(string where)
    {
        if (!Url.IsAbsoluteUri || Url.Scheme != Uri.UriSchemeHttps)
        {
            throw ServiceError.BadSetting($"{where}.url", $"'{Url}' must be an absolute https:// URL: every IMGuard link is TLS.");
        }
        _ = ListenAddress();
    }
}
