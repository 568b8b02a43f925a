using System.Security.Cryptography.X509Certificates;
using Imguard.Mpc.Transport;
using Imguard.ServiceDefaults.Pki;

namespace Imguard.Mpc.Tests.Transport;

/// <summary>Certificates generated once per test run (never stored): the deployment CA, its parties, and an impostor CA.</summary>
internal sealed class TestPki
{
    private static readonly Lazy<TestPki> Instance = new(() => new TestPki());

    private TestPki()
    {
        Authority = CertificateAuthority.Create("IMGuard test CA");
        Party0 = Authority.IssueCertificate("party-0");
        Party1 = Authority.IssueCertificate("party-1");
        Party2 = Authority.IssueCertificate("party-2");
        Impostor = CertificateAuthority.Create("IMGuard test CA");
        ImpostorParty1 = Impostor.IssueCertificate("party-1");
    }

    public static TestPki Shared => Instance.Value;

    public CertificateAuthority Authority { get; }
    public X509Certificate2 Party0 { get; }
    public X509Certificate2 Party1 { get; }
    public X509Certificate2 Party2 { get; }

    /// <summary>Another CA with the same name as <see cref="Authority"/>, and a "party-1" certificate it issued.</summary>
    public CertificateAuthority Impostor { get; }
    public X509Certificate2 ImpostorParty1 { get; }

    public TlsPeerOptions Options0(TimeSpan? handshakeTimeout = null) => new()
    {
        LocalPartyId = 0,
        Certificate = Party0,
        TrustedAuthority = Authority.Certificate,
        ExpectedPeerName = "party-1",
        SessionId = "job-42",
        HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(5),
    };

    public TlsPeerOptions Options1(TimeSpan? handshakeTimeout = null) => new()
    {
        LocalPartyId = 1,
        Certificate = Party1,
        TrustedAuthority = Authority.Certificate,
        ExpectedPeerName = "party-0",
        SessionId = "job-42",
        HandshakeTimeout = handshakeTimeout ?? TimeSpan.FromSeconds(5),
    };
}
