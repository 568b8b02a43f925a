using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using Imguard.Mpc;
using Imguard.Mpc.Transport;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Imguard.Party.Jobs;

/// <summary>
/// Opens the peer link for one attempt of a job: TLS 1.3 with both parties' certificates from the deployment CA, the
/// peer's certificate naming the other party's role (<c>party-0</c>/<c>party-1</c>), session id <c>{jobId}/{attempt}</c>
/// in the hello. Party 0 listens on <c>parties[0].peer</c> and party 1 dials it; both keep trying (a refused
/// connection, a stale peer on another session) until <paramref name="timeout"/>, since the other party may not be up yet:
/// party 1 dials with back-off and jitter (<see cref="Retries.PeerDial"/>); party 0's accept loop is not a retry but a
/// wait for the right peer, refusing any other that connects.
/// </summary>
public sealed class PeerConnector(ServiceIdentity identity, DeploymentSettings settings, ILogger logger)
{
    /// <summary>The largest frame on the link (a matrix opening of a big batch is tens of MB).</summary>
    public const int MaxFrameBytes = 1 << 30;

    public async Task<TlsPeerChannel> ConnectAsync(int partyId, string sessionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var options = new TlsPeerOptions
        {
            LocalPartyId = partyId,
            Certificate = identity.Certificate,
            TrustedAuthority = identity.Authority,
            ExpectedPeerName = ServiceRoles.Name(ServiceRoles.Party(1 - partyId)),
            SessionId = sessionId,
            MaxFrameBytes = MaxFrameBytes,
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            return partyId == 0 ? await AcceptAsync(options, deadline.Token) : await DialAsync(options, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The other party did not join session '{sessionId}' within {timeout.TotalSeconds:F0} s.");
        }
    }

    private async Task<TlsPeerChannel> AcceptAsync(TlsPeerOptions options, CancellationToken cancellationToken)
    {
        (string host, int port) = new ServiceEndpoint { Url = settings.Parties[0].Api.Url, Listen = settings.Parties[0].Peer }.ListenAddress();
        IPAddress address = IPAddress.TryParse(host, out IPAddress? parsed) ? parsed
            : string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Any;
        TlsPeerListener listener = await BindAsync(options, new IPEndPoint(address, port), cancellationToken);
        await using (listener)
        {
            while (true)
            {
                try
                {
                    return await listener.AcceptAsync(cancellationToken);
                }
                catch (Exception e) when (e is AuthenticationException or PeerProtocolException or PeerDisconnectedException or TimeoutException or IOException
                    && !cancellationToken.IsCancellationRequested)
                {
                    // A stale peer (another attempt), a scanner, a half-open connection: refuse it and keep waiting.
                    logger.LogWarning("Refused a peer connection for session {Session}: {Reason}", options.SessionId, e.Message);
                }
            }
        }
    }

    /// <summary>Binds the peer port, retrying (<see cref="Retries.PeerBind"/>) while a previous attempt's listener is still letting go of it.</summary>
    private static async Task<TlsPeerListener> BindAsync(TlsPeerOptions options, IPEndPoint endpoint, CancellationToken cancellationToken) =>
        await Binding.ExecuteAsync(_ => ValueTask.FromResult(TlsPeerListener.Start(options, endpoint)), cancellationToken);

    private async Task<TlsPeerChannel> DialAsync(TlsPeerOptions options, CancellationToken cancellationToken)
    {
        (string host, int port) = new ServiceEndpoint { Url = settings.Parties[0].Api.Url, Listen = settings.Parties[0].Peer }.ListenAddress();
        // Until the deadline in the token (the job's peer timeout): party 0 not listening yet, or still on another session.
        ResiliencePipeline<TlsPeerChannel> dialling = Retries.For<TlsPeerChannel>(Retries.PeerDial, outcome => outcome.Exception is { } e && IsPeerNotReady(e), args =>
        {
            if (args.Outcome.Exception is not SocketException)
            {
                logger.LogDebug("Peer link for session {Session} not up yet: {Reason}", options.SessionId, args.Outcome.Exception!.Message);
            }
            return ValueTask.CompletedTask;
        });
        return await dialling.ExecuteAsync(async token => await TlsPeerChannel.ConnectAsync(options, host, port, token), cancellationToken);
    }

    private static readonly ResiliencePipeline<TlsPeerListener> Binding =
        Retries.For<TlsPeerListener>(Retries.PeerBind, outcome => outcome.Exception is SocketException);

    private static bool IsPeerNotReady(Exception e) =>
        e is SocketException or AuthenticationException or PeerProtocolException or PeerDisconnectedException or TimeoutException or IOException;
}
