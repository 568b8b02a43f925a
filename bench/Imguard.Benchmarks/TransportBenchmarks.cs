using System.Net;
using BenchmarkDotNet.Attributes;
using Imguard.Mpc.Transport;
using Imguard.ServiceDefaults.Pki;

namespace Imguard.Benchmarks;

/// <summary>
/// TLS 1.3 loopback: both parties exchange a frame at once (one round), as a Beaver opening does.
/// 1.6 MB per direction is the size of a mid-sized opened tensor (200,000 words); 8 bytes measures the round latency.
/// Certificates are generated in setup; nothing is stored.
/// </summary>
[MemoryDiagnoser]
public class TransportBenchmarks
{
    private CertificateAuthority _ca = null!;
    private TlsPeerChannel _party0 = null!;
    private TlsPeerChannel _party1 = null!;
    private ulong[] _send0 = null!, _send1 = null!, _receive0 = null!, _receive1 = null!;

    [Params(1, 200_000)]
    public int Words { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _ca = CertificateAuthority.Create("bench CA");
        var options0 = new TlsPeerOptions
        {
            LocalPartyId = 0,
            Certificate = _ca.IssueCertificate("party-0"),
            TrustedAuthority = _ca.Certificate,
            ExpectedPeerName = "party-1",
            SessionId = "bench",
        };
        var options1 = options0 with { LocalPartyId = 1, Certificate = _ca.IssueCertificate("party-1"), ExpectedPeerName = "party-0" };
        await using var listener = TlsPeerListener.Start(options0, new IPEndPoint(IPAddress.Loopback, 0));
        Task<TlsPeerChannel> accept = listener.AcceptAsync(CancellationToken.None);
        _party1 = await TlsPeerChannel.ConnectAsync(options1, "127.0.0.1", listener.LocalEndPoint.Port, CancellationToken.None);
        _party0 = await accept;
        _send0 = new ulong[Words];
        _send1 = new ulong[Words];
        _receive0 = new ulong[Words];
        _receive1 = new ulong[Words];
        Random.Shared.NextBytes(System.Runtime.InteropServices.MemoryMarshal.AsBytes(_send0.AsSpan()));
    }

    [Benchmark]
    public Task ExchangeRound() => Task.WhenAll(
        _party0.ExchangeAsync(_send0, _receive0).AsTask(),
        _party1.ExchangeAsync(_send1, _receive1).AsTask());

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _party0.DisposeAsync();
        await _party1.DisposeAsync();
        _ca.Dispose();
    }
}
