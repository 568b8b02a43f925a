namespace Imguard.ServiceDefaults.Deployment;

/// <summary>One compute party: its HTTPS API (uploads, control, model shares) and its peer link (the 2PC channel).</summary>
public sealed record PartySettings
{
    public required ServiceEndpoint Api { get; init; }

    /// <summary><c>host:port</c> of the peer link. Party 0 listens on its own; party 1 dials party 0's.</summary>
    public required string Peer { get; init; }

    /// <summary>The largest dataset half a client may upload, in bytes.</summary>
    public long MaxUploadBytes { get; init; } = 4L << 30;

    internal void Validate(string where)
    {
        Api.Validate($"{where}.api");
        _ = new ServiceEndpoint { Url = Api.Url, Listen = Peer }.ListenAddress();
        if (MaxUploadBytes <= 0)
        {
            throw ServiceError.BadSetting($"{where}.maxUploadBytes", "must be positive.");
        }
    }
}
