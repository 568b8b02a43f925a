using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Imguard.Mpc.Transport;
using Imguard.ServiceDefaults.Pki;

namespace Imguard.Mpc.Tests.Transport;

/// <summary>Who the TLS link lets in, all on 127.0.0.1 with an ephemeral port. Every wait is bounded.</summary>
public sealed class TlsPeerChannelTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan ShortHandshake = TimeSpan.FromSeconds(2);

    private static TestPki Pki => TestPki.Shared;

    private static TlsPeerListener StartListener(TimeSpan? handshakeTimeout = null) =>
        TlsPeerListener.Start(Pki.Options0(handshakeTimeout), new IPEndPoint(IPAddress.Loopback, 0));

    /// <summary>After a refused client, a good one still gets through the same listener.</summary>
    private static async Task AssertGoodClientIsAcceptedAsync(TlsPeerListener listener, CancellationToken cancellationToken)
    {
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cancellationToken);
        await using TlsPeerChannel client = await TlsPeerChannel.ConnectAsync(Pki.Options1(), "127.0.0.1", listener.LocalEndPoint.Port, cancellationToken);
        await using TlsPeerChannel server = await accept;
        var got = new ulong[1];
        await Task.WhenAll(
            server.ExchangeAsync(new ulong[] { 10 }, got, cancellationToken).AsTask(),
            client.ExchangeAsync(new ulong[] { 20 }, new ulong[1], cancellationToken).AsTask());
        Assert.Equal(20UL, got[0]);
        Assert.Equal(1, server.PeerPartyId);
        Assert.Equal(0, client.PeerPartyId);
    }

    /// <summary>
    /// The refused side of a TLS 1.3 connection learns it from an alert or from the closed connection, depending on timing:
    /// either is a refusal.
    /// </summary>
    private static async Task AssertRefusedAsync(Task connect)
    {
        Exception ex = await Assert.ThrowsAnyAsync<Exception>(() => connect);
        Assert.True(ex is AuthenticationException or IOException, $"Unexpected {ex.GetType().Name}: {ex.Message}");
    }

    /// <summary>A hand-driven TLS client, to do what <see cref="TlsPeerChannel.ConnectAsync"/> never would.</summary>
    private static async Task<SslStream> RawTlsClientAsync(
        int port, X509Certificate2? certificate, SslProtocols protocols, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true));
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "party-0",
            EnabledSslProtocols = protocols,
            ClientCertificates = certificate is null ? null : [certificate],
#pragma warning disable CA5359 // This client probes the server; whom it talks to is not what the tests check.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
#pragma warning restore CA5359
        }, cancellationToken);
        return ssl;
    }

    [Fact]
    public async Task Connect_and_accept_authenticate_both_sides_and_report_the_peer()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener();
        Assert.NotEqual(0, listener.LocalEndPoint.Port);
        await AssertGoodClientIsAcceptedAsync(listener, cts.Token);
    }

    [Fact]
    public async Task A_client_with_a_certificate_from_another_CA_is_refused_and_the_listener_keeps_working()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener();
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);
        Task<TlsPeerChannel> connect = TlsPeerChannel.ConnectAsync(
            Pki.Options1() with { Certificate = Pki.ImpostorParty1 }, "127.0.0.1", listener.LocalEndPoint.Port, cts.Token);

        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => accept);
        Assert.Contains("does not chain to the trusted authority", ex.Message, StringComparison.Ordinal);
        await AssertRefusedAsync(connect);

        await AssertGoodClientIsAcceptedAsync(listener, cts.Token);
    }

    [Fact]
    public async Task A_server_with_a_certificate_from_another_CA_is_refused_by_the_client()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = TlsPeerListener.Start(
            Pki.Options0() with { Certificate = Pki.Impostor.IssueCertificate("party-0") }, new IPEndPoint(IPAddress.Loopback, 0));
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);

        var ex = await Assert.ThrowsAsync<AuthenticationException>(
            () => TlsPeerChannel.ConnectAsync(Pki.Options1(), "127.0.0.1", listener.LocalEndPoint.Port, cts.Token));
        Assert.Contains("does not chain to the trusted authority", ex.Message, StringComparison.Ordinal);
        await AssertRefusedAsync(accept);
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener();
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);
        Task<SslStream> client = RawTlsClientAsync(listener.LocalEndPoint.Port, certificate: null, SslProtocols.Tls13, cts.Token);

        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => accept);
        Assert.Contains("presented no certificate", ex.Message, StringComparison.Ordinal);
        try
        {
            await (await client).DisposeAsync();
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            // Either outcome is fine for the client: the server refused it.
        }
        await AssertGoodClientIsAcceptedAsync(listener, cts.Token);
    }

    [Fact]
    public async Task A_TLS_1_2_only_client_is_refused()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener();
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);
#pragma warning disable CA5398 // The test pins an old protocol on purpose.
        Task<SslStream> client = RawTlsClientAsync(listener.LocalEndPoint.Port, Pki.Party1, SslProtocols.Tls12, cts.Token);
#pragma warning restore CA5398

        await Assert.ThrowsAsync<AuthenticationException>(() => accept);
        await Assert.ThrowsAnyAsync<Exception>(() => client);
        await AssertGoodClientIsAcceptedAsync(listener, cts.Token);
    }

    [Fact]
    public async Task A_plain_TCP_client_sending_garbage_is_refused_promptly()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener(ShortHandshake);
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, listener.LocalEndPoint.Port, cts.Token);
        await tcp.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: party-0\r\n\r\n"u8.ToArray(), cts.Token);

        await Assert.ThrowsAnyAsync<Exception>(() => accept.WaitAsync(ShortHandshake + TimeSpan.FromSeconds(1), cts.Token));
        Assert.IsNotType<TimeoutException>(accept.Exception?.InnerException); // refused for what it sent, not by the clock
        await AssertGoodClientIsAcceptedAsync(listener, cts.Token);
    }

    [Fact]
    public async Task A_plain_TCP_client_sending_nothing_is_dropped_after_the_handshake_timeout()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener(ShortHandshake);
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, listener.LocalEndPoint.Port, cts.Token);

        var ex = await Assert.ThrowsAsync<TimeoutException>(() => accept.WaitAsync(ShortHandshake + TimeSpan.FromSeconds(2), cts.Token));
        Assert.Contains("2 s", ex.Message, StringComparison.Ordinal);
        await AssertGoodClientIsAcceptedAsync(listener, cts.Token);
    }

    [Fact]
    public async Task A_client_whose_certificate_names_another_role_is_refused()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener();
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);
        Task<TlsPeerChannel> connect = TlsPeerChannel.ConnectAsync(
            Pki.Options1() with { Certificate = Pki.Party2 }, "127.0.0.1", listener.LocalEndPoint.Port, cts.Token);

        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => accept);
        Assert.Contains("not issued to 'party-1'", ex.Message, StringComparison.Ordinal);
        await AssertRefusedAsync(connect);
        await AssertGoodClientIsAcceptedAsync(listener, cts.Token);
    }

    [Fact]
    public async Task A_client_refuses_a_server_that_is_not_the_expected_peer()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener();
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);

        var ex = await Assert.ThrowsAsync<AuthenticationException>(() => TlsPeerChannel.ConnectAsync(
            Pki.Options1() with { ExpectedPeerName = "platform" }, "127.0.0.1", listener.LocalEndPoint.Port, cts.Token));
        Assert.Contains("not issued to 'platform'", ex.Message, StringComparison.Ordinal);
        await AssertRefusedAsync(accept);
    }

    [Fact]
    public async Task Two_parties_both_claiming_party_0_are_refused()
    {
        using var cts = new CancellationTokenSource(Timeout);
        var ex = await Assert.ThrowsAsync<PeerProtocolException>(() => LoopbackPeerPair.ConnectAsync(
            Pki.Options0(), Pki.Options1() with { LocalPartyId = 0 }, cts.Token));
        Assert.Contains("claims party id 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parties_in_different_sessions_are_refused()
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener();
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);
        Task<TlsPeerChannel> connect = TlsPeerChannel.ConnectAsync(
            Pki.Options1() with { SessionId = "job-43" }, "127.0.0.1", listener.LocalEndPoint.Port, cts.Token);

        var ex = await Assert.ThrowsAsync<PeerProtocolException>(() => accept);
        Assert.Contains("different session", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<PeerProtocolException>(() => connect);
        await AssertGoodClientIsAcceptedAsync(listener, cts.Token);
    }

    [Theory]
    [InlineData("magic")]
    [InlineData("version")]
    [InlineData("party")]
    [InlineData("length")]
    public async Task A_malformed_hello_is_refused(string what)
    {
        using var cts = new CancellationTokenSource(Timeout);
        await using var listener = StartListener();
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cts.Token);
        await using SslStream client = await RawTlsClientAsync(listener.LocalEndPoint.Port, Pki.Party1, SslProtocols.Tls13, cts.Token);

        byte[] hello = PeerHello.Encode(1, "job-42");
        switch (what)
        {
            case "magic": hello[4] ^= 1; break;
            case "version": hello[4 + 12] = 9; break;
            case "party": hello[4 + 8] = 7; break;
            case "length": BinaryPrimitives.WriteUInt32LittleEndian(hello, 24); break;
        }
        await client.WriteAsync(hello, cts.Token);

        var ex = await Assert.ThrowsAsync<PeerProtocolException>(() => accept);
        Assert.Contains("hello was rejected", ex.Message, StringComparison.Ordinal);
        await AssertGoodClientIsAcceptedAsync(listener, cts.Token);
    }

    [Fact]
    public async Task Connecting_to_a_port_nobody_listens_on_fails()
    {
        using var cts = new CancellationTokenSource(Timeout);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        await Assert.ThrowsAnyAsync<SocketException>(() => TlsPeerChannel.ConnectAsync(Pki.Options1(), "127.0.0.1", port, cts.Token));
    }

    [Fact]
    public async Task Accept_honours_cancellation()
    {
        await using var listener = StartListener();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listener.AcceptAsync(cts.Token));
    }

    [Fact]
    public void Options_are_validated()
    {
        Pki.Options0().Validate();
        Assert.Throws<ArgumentException>(() => (Pki.Options0() with { LocalPartyId = 2 }).Validate());
        Assert.Throws<ArgumentException>(() => (Pki.Options0() with { Certificate = Pki.Authority.Certificate }).Validate());
        Assert.Throws<ArgumentException>(() => (Pki.Options0() with { ExpectedPeerName = " " }).Validate());
        Assert.Throws<ArgumentException>(() => (Pki.Options0() with { SessionId = "" }).Validate());
        Assert.Throws<ArgumentException>(() => (Pki.Options0() with { MaxFrameBytes = -1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Pki.Options0() with { HandshakeTimeout = TimeSpan.Zero }).Validate());
        Assert.Throws<ArgumentException>(() => TlsPeerListener.Start(Pki.Options0() with { LocalPartyId = -1 }, new IPEndPoint(IPAddress.Loopback, 0)));
    }

    [Fact]
    public async Task Certificates_from_the_deployment_CA_loaded_from_PEM_work_for_the_peer_link()
    {
        string caCertPem, caKeyPem;
        using (var original = CertificateAuthority.Create("Round trip CA"))
        {
            (caCertPem, caKeyPem) = original.ExportPem();
        }
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", caCertPem, StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", caKeyPem, StringComparison.Ordinal);

        using var ca = CertificateAuthority.LoadPem(caCertPem, caKeyPem);
        var (p0Cert, p0Key) = CertificateAuthority.ExportCertificatePem(ca.IssueCertificate("party-0"));
        var (p1Cert, p1Key) = CertificateAuthority.ExportCertificatePem(ca.IssueCertificate("party-1"));
        using X509Certificate2 trusted = CertificateAuthority.LoadCertificatePem(caCertPem);
        Assert.False(trusted.HasPrivateKey);

        var options0 = new TlsPeerOptions
        {
            LocalPartyId = 0,
            Certificate = CertificateAuthority.LoadCertificatePem(p0Cert, p0Key),
            TrustedAuthority = trusted,
            ExpectedPeerName = "party-1",
            SessionId = "pem",
        };
        var options1 = options0 with
        {
            LocalPartyId = 1,
            Certificate = CertificateAuthority.LoadCertificatePem(p1Cert, p1Key),
            ExpectedPeerName = "party-0",
        };
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var (a, b) = await LoopbackPeerPair.ConnectAsync(options0, options1, cts.Token);
        await using (a)
        await using (b)
        {
            var got = new ulong[1];
            await Task.WhenAll(a.SendAsync(new ulong[] { 3 }, cts.Token).AsTask(), b.ReceiveAsync(got, cts.Token).AsTask());
            Assert.Equal(3UL, got[0]);
        }
    }
}
