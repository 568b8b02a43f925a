using System.Security.Cryptography.X509Certificates;

namespace Imguard.Mpc.Transport;

/// <summary>
/// How a party authenticates itself and its peer on the TLS link. Both parties present a certificate issued by the
/// deployment's CA (<c>Imguard.ServiceDefaults.Pki.CertificateAuthority</c>, which this engine does not reference: it
/// takes certificates, not a PKI); each trusts only <see cref="TrustedAuthority"/> and only a peer
/// certificate naming <see cref="ExpectedPeerName"/>. Checked by <see cref="Validate"/> when a channel or listener starts.
/// </summary>
public sealed record TlsPeerOptions
{
    /// <summary>This party's id, 0 or 1. By convention party 0 listens and party 1 connects.</summary>
    public required int LocalPartyId { get; init; }

    /// <summary>This party's certificate, with its private key.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>The only root trusted for the peer's certificate chain (no system roots, no revocation check).</summary>
    public required X509Certificate2 TrustedAuthority { get; init; }

    /// <summary>The name the peer's certificate must carry as a SAN DNS name (or, without SAN, as CN), e.g. <c>party-1</c>.</summary>
    public required string ExpectedPeerName { get; init; }

    /// <summary>Identifies the computation (e.g. a job id); both parties must use the same one. Only a hash of it is sent.</summary>
    public required string SessionId { get; init; }

    /// <summary>The largest frame sent or accepted, in bytes.</summary>
    public int MaxFrameBytes { get; init; } = PeerFrame.DefaultMaxFrameBytes;

    /// <summary>Bound on connecting, the TLS handshake and the hello exchange together.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (LocalPartyId is not (0 or 1))
        {
            throw MpcError.WrongParty(LocalPartyId);
        }
        if (Certificate is null || !Certificate.HasPrivateKey)
        {
            throw MpcError.InvalidOption(nameof(Certificate), "a certificate with its private key is required.");
        }
        if (TrustedAuthority is null)
        {
            throw MpcError.InvalidOption(nameof(TrustedAuthority), "the CA certificate to trust is required.");
        }
        if (string.IsNullOrWhiteSpace(ExpectedPeerName))
        {
            throw MpcError.InvalidOption(nameof(ExpectedPeerName), "the peer's certificate name is required.");
        }
        if (string.IsNullOrEmpty(SessionId))
        {
            throw MpcError.InvalidOption(nameof(SessionId), "a session id is required.");
        }
        if (MaxFrameBytes < 0)
        {
            throw MpcError.InvalidOption(nameof(MaxFrameBytes), "the frame limit must not be negative.");
        }
        if (HandshakeTimeout <= TimeSpan.Zero || HandshakeTimeout == Timeout.InfiniteTimeSpan || HandshakeTimeout.TotalMilliseconds > int.MaxValue)
        {
            throw MpcError.InvalidOption(nameof(HandshakeTimeout), "the handshake timeout must be positive and finite.");
        }
    }
}
