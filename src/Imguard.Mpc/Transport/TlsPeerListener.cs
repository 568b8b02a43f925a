using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace Imguard.Mpc.Transport;

/// <summary>
/// Where party 0 waits for party 1. Each <see cref="AcceptAsync"/> takes the next TCP connection and runs the TLS handshake
/// and hello on it within <see cref="TlsPeerOptions.HandshakeTimeout"/>; a connection that fails them (wrong certificate,
/// not TLS 1.3, silence, garbage, wrong session) makes that call throw, closes that connection only, and the listener
/// goes on accepting.
/// </summary>
public sealed class TlsPeerListener : IAsyncDisposable
{
    private readonly TlsPeerOptions _options;
    private readonly Socket _socket;
    private readonly SslStreamCertificateContext _context;

    private TlsPeerListener(TlsPeerOptions options, Socket socket, SslStreamCertificateContext context)
    {
        _options = options;
        _socket = socket;
        _context = context;
    }

    /// <summary>The bound address; with port 0 in the requested end point, the port the system chose.</summary>
    public IPEndPoint LocalEndPoint => (IPEndPoint)_socket.LocalEndPoint!;

    /// <summary>Validates <paramref name="options"/>, binds <paramref name="endpoint"/> and starts listening.</summary>
    public static TlsPeerListener Start(TlsPeerOptions options, IPEndPoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(endpoint);
        options.Validate();
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Bind(endpoint);
            socket.Listen(backlog: 8);
            var context = SslStreamCertificateContext.Create(options.Certificate, additionalCertificates: null, offline: true);
            return new TlsPeerListener(options, socket, context);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Accepts the next connection and authenticates it. Throws <see cref="System.Security.Authentication.AuthenticationException"/>
    /// (certificate or TLS refused), <see cref="PeerProtocolException"/> (wrong hello), <see cref="TimeoutException"/>
    /// (handshake not done in time) or <see cref="PeerDisconnectedException"/>; the listener stays usable after each.
    /// </summary>
    public async Task<TlsPeerChannel> AcceptAsync(CancellationToken cancellationToken)
    {
        Socket socket = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(_options.HandshakeTimeout);
        return await TlsPeerChannel.EstablishAsync(socket, _options, _context, isServer: true, bounded, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
