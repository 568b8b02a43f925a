using System.Net;

namespace Imguard.Mpc.Transport;

/// <summary>
/// Both ends of one real peer link inside one process: party 0 listens on an ephemeral port on 127.0.0.1, party 1
/// connects, and the two run the full mutual TLS 1.3 handshake and hello as two servers would. For benchmarks
/// (<c>imguard bench train</c>) and tests that need the real transport between two parties in one process; the
/// services connect over the network through <see cref="TlsPeerListener"/> and <see cref="TlsPeerChannel.ConnectAsync"/>.
/// </summary>
public static class LoopbackPeerPair
{
    /// <summary>
    /// Connects party 0 (<paramref name="options0"/>) and party 1 (<paramref name="options1"/>) and returns both
    /// channels, the caller's to dispose. When either side fails (a refused certificate, a wrong hello, a timeout) the
    /// other side's channel, if it opened, is disposed and the failure is thrown.
    /// </summary>
    public static async Task<(TlsPeerChannel Party0, TlsPeerChannel Party1)> ConnectAsync(
        TlsPeerOptions options0, TlsPeerOptions options1, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options0);
        ArgumentNullException.ThrowIfNull(options1);
        await using var listener = TlsPeerListener.Start(options0, new IPEndPoint(IPAddress.Loopback, 0));
        Task<TlsPeerChannel> accept = listener.AcceptAsync(cancellationToken);
        Task<TlsPeerChannel> connect = TlsPeerChannel.ConnectAsync(options1, IPAddress.Loopback.ToString(), listener.LocalEndPoint.Port, cancellationToken);
        try
        {
            await Task.WhenAll(accept, connect).ConfigureAwait(false);
        }
        catch
        {
            foreach (Task<TlsPeerChannel> end in new[] { accept, connect })
            {
                if (end.IsCompletedSuccessfully)
                {
                    await (await end.ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
                }
            }
            throw;
        }
        return (await accept.ConfigureAwait(false), await connect.ConfigureAwait(false));
    }
}
