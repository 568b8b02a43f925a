using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Imguard.Mpc.Transport;

/// <summary>
/// The production link between the two parties: TCP (no Nagle delay) and TLS 1.3 only, with mutual certificate
/// authentication against the deployment's own CA, then a hello that checks protocol version, party ids and session
/// (<see cref="PeerHello"/>); frames in the <see cref="PeerFrame"/> format. Party 1 calls <see cref="ConnectAsync"/>;
/// party 0 accepts with <see cref="TlsPeerListener"/>. Failures and cancellation fault the channel and close the connection.
/// </summary>
public sealed class TlsPeerChannel : IPeerChannel
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly StreamPeerChannel _frames;

    private TlsPeerChannel(StreamPeerChannel frames, int peerPartyId, EndPoint? remoteEndPoint)
    {
        _frames = frames;
        PeerPartyId = peerPartyId;
        RemoteEndPoint = remoteEndPoint;
    }

    public int MaxFrameBytes => _frames.MaxFrameBytes;

    /// <summary>Payload bytes (not frame headers, the hello or TLS overhead) and rounds; one round per <see cref="ExchangeAsync"/>.</summary>
    public TransferStatistics Statistics => _frames.Statistics;

    /// <summary>The peer's party id, as its hello stated it (always the other id than this party's).</summary>
    public int PeerPartyId { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>
    /// Connects to the listening party at <paramref name="host"/>:<paramref name="port"/>, authenticates both sides and
    /// exchanges hellos, all within <see cref="TlsPeerOptions.HandshakeTimeout"/> (else <see cref="TimeoutException"/>).
    /// A refused peer certificate or handshake gives <see cref="AuthenticationException"/>; a wrong hello gives
    /// <see cref="PeerProtocolException"/>.
    /// </summary>
    public static async Task<TlsPeerChannel> ConnectAsync(TlsPeerOptions options, string host, int port, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentOutOfRangeException.ThrowIfLessThan(port, IPEndPoint.MinPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, IPEndPoint.MaxPort);
        options.Validate();

        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(options.HandshakeTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            socket.Dispose();
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw MpcError.HandshakeTimedOut(options.HandshakeTimeout);
            }
            throw;
        }
        SslStreamCertificateContext context = SslStreamCertificateContext.Create(options.Certificate, additionalCertificates: null, offline: true);
        return await EstablishAsync(socket, options, context, isServer: false, bounded, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask ExchangeAsync(ReadOnlyMemory<ulong> send, Memory<ulong> receive, CancellationToken cancellationToken = default) =>
        _frames.ExchangeAsync(send, receive, cancellationToken);

    public ValueTask SendAsync(ReadOnlyMemory<ulong> send, CancellationToken cancellationToken = default) =>
        _frames.SendAsync(send, cancellationToken);

    public ValueTask ReceiveAsync(Memory<ulong> receive, CancellationToken cancellationToken = default) =>
        _frames.ReceiveAsync(receive, cancellationToken);

    public ValueTask DisposeAsync() => _frames.DisposeAsync();

    /// <summary>
    /// TLS handshake and hello on a connected socket, bounded by <paramref name="bounded"/> (the caller's token plus the
    /// handshake timeout). Takes ownership of the socket: on failure it is closed.
    /// </summary>
    internal static async Task<TlsPeerChannel> EstablishAsync(
        Socket socket, TlsPeerOptions options, SslStreamCertificateContext context, bool isServer,
        CancellationTokenSource bounded, CancellationToken cancellationToken)
    {
        socket.NoDelay = true;
        EndPoint? remote = socket.RemoteEndPoint;
        var transport = new CoalescingStream(new NetworkStream(socket, ownsSocket: true));
        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        string? rejection = null;
        bool ValidatePeer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            rejection = CheckPeerCertificate(options, certificate, chain, isServer);
            return rejection is null;
        }

        X509ChainPolicy chainPolicy = CreateChainPolicy(options, isServer);
        try
        {
            if (isServer)
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = context,
                    ClientCertificateRequired = true,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = chainPolicy,
                    RemoteCertificateValidationCallback = ValidatePeer,
                    AllowRenegotiation = false,
                }, bounded.Token).ConfigureAwait(false);
            }
            else
            {
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = options.ExpectedPeerName,
                    ClientCertificateContext = context,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    CertificateChainPolicy = chainPolicy,
                    RemoteCertificateValidationCallback = ValidatePeer,
                    AllowRenegotiation = false,
                }, bounded.Token).ConfigureAwait(false);
            }

            int peerPartyId = await PeerHello.ExchangeAsync(ssl, options.LocalPartyId, options.SessionId, bounded.Token).ConfigureAwait(false);
            transport.Coalesce = true;   // from here every frame ends with a flush (StreamPeerChannel)
            return new TlsPeerChannel(new StreamPeerChannel(ssl, options.MaxFrameBytes), peerPartyId, remote);
        }
        catch (Exception ex)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            if (bounded.IsCancellationRequested)
            {
                throw MpcError.HandshakeTimedOut(options.HandshakeTimeout);
            }
            if (rejection is not null)
            {
                throw MpcError.PeerRejected(rejection, ex);
            }
            if (ex is AuthenticationException)
            {
                throw MpcError.PeerRejected(
                    "the TLS 1.3 handshake failed (the peer may not speak TLS 1.3, may have presented no acceptable certificate, or may have refused this party's)", ex);
            }
            if (ex is IOException and not PeerProtocolException and not PeerDisconnectedException)
            {
                throw MpcError.PeerDisconnected("during the TLS handshake; it may have refused this party's certificate", ex);
            }
            throw;
        }
    }

    private static X509ChainPolicy CreateChainPolicy(TlsPeerOptions options, bool isServer)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.Add(options.TrustedAuthority);
        // A server checks that the client's certificate allows client authentication, and the other way round.
        policy.ApplicationPolicy.Add(isServer ? ClientAuthentication : ServerAuthentication);
        return policy;
    }

    /// <summary>Null if the peer's certificate is acceptable, else why not (no secret data: names and chain status only).</summary>
    private static string? CheckPeerCertificate(TlsPeerOptions options, X509Certificate? certificate, X509Chain? presented, bool isServer)
    {
        if (certificate is null)
        {
            return "it presented no certificate";
        }

        // Our own chain build, trusting the configured CA only, whatever the platform's defaults.
        using X509Certificate2 peer = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain { ChainPolicy = CreateChainPolicy(options, isServer) };
        if (presented is not null)
        {
            foreach (X509ChainElement element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        bool valid = chain.Build(peer);
        try
        {
            if (!valid)
            {
                string status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
                return $"its certificate does not chain to the trusted authority or is not valid for this use ({status})";
            }
            X509Certificate2 root = chain.ChainElements[^1].Certificate;
            if (!root.RawDataMemory.Span.SequenceEqual(options.TrustedAuthority.RawDataMemory.Span))
            {
                return "its certificate chains to another root than the trusted authority";
            }
        }
        finally
        {
            foreach (X509ChainElement element in chain.ChainElements)
            {
                element.Certificate.Dispose();
            }
        }

        if (!peer.MatchesHostname(options.ExpectedPeerName, allowWildcards: false, allowCommonName: true))
        {
            return $"its certificate is not issued to '{options.ExpectedPeerName}'";
        }
        return null;
    }
}
