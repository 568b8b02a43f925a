using System.Net;
using System.Net.Sockets;

namespace Imguard.Mpc.Tests.Transport;

/// <summary>Two connected TCP streams on 127.0.0.1: a real full-duplex byte stream for framing tests.</summary>
internal static class LoopbackSockets
{
    public static async Task<(NetworkStream A, NetworkStream B)> CreatePairAsync(CancellationToken cancellationToken)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Task<Socket> accept = listener.AcceptAsync(cancellationToken).AsTask();
        await client.ConnectAsync(listener.LocalEndPoint!, cancellationToken);
        Socket server = await accept;
        server.NoDelay = true;
        return (new NetworkStream(server, ownsSocket: true), new NetworkStream(client, ownsSocket: true));
    }
}
