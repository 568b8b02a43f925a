using System.Net;
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

    /// <summary>Party 0 listens on an ephemeral loopback port, party 1 connects; returns both ends.</summary>
    public static async Task<(TlsPeerChannel Party0, TlsPeerChannel Party1)> ConnectPairAsync(
        TlsPeerOptions options0, TlsPeerOptions options1, CancellationToken cancellationToken)
    {
        await using var listener = TlsPeerListener.Start(options0, new IPEndPoint(IPAddress.Loopback, 0));
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cancellationToken);
        Task<TlsPeerChannel> connect = TlsPeerChannel.ConnectAsync(options1, "127.0.0.1", listener.LocalEndPoint.Port, cancellationToken);
        try
        {
            await Task.WhenAll(accept, connect);
        }
        catch
        {
            if (accept.IsCompletedSuccessfully)
            {
                await accept.Result.DisposeAsync();
            }
            if (connect.IsCompletedSuccessfully)
            {
                await connect.Result.DisposeAsync();
            }
            throw;
        }
        return (await accept, await connect);
    }
}
