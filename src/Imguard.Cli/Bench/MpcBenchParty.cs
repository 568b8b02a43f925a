using System.Diagnostics;
using System.Net;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Transport;
using Imguard.ServiceDefaults.Pki;

namespace Imguard.Cli.Bench;

/// <summary>
/// One compute party of <c>imguard bench mpc</c>, run as its own process. It reads its certificate, its seed and the
/// dealer's stream from the coordinator's working folder, connects to the other party over mutual TLS 1.3
/// (party 0 listens on 127.0.0.1, party 1 connects), runs the offline phase (reading and expanding all
/// correlated randomness) and then every case's online phase, printing one RESULT line per figure.
/// </summary>
internal static class MpcBenchParty
{
    public static async Task<int> RunAsync(int partyId, string folder, int port, int iterations, int threads, CancellationToken ct)
    {
        using var ca = CertificateAuthority.LoadCertificatePem(File.ReadAllText(Path.Combine(folder, "ca.pem")));
        using var certificate = CertificateAuthority.LoadCertificatePem(
            File.ReadAllText(Path.Combine(folder, $"party-{partyId}.pem")),
            File.ReadAllText(Path.Combine(folder, $"party-{partyId}.key")));
        var options = new TlsPeerOptions
        {
            LocalPartyId = partyId,
            Certificate = certificate,
            TrustedAuthority = ca,
            ExpectedPeerName = $"party-{1 - partyId}",
            SessionId = "bench-mpc",
        };
        var seed = Seed.FromBytes(File.ReadAllBytes(Path.Combine(folder, $"seed-{partyId}.bin")));

        await using var channel = await ConnectAsync(partyId, options, port, ct);
        var cases = MpcBenchCase.All(iterations);

        // Each case's offline phase (read and expand all of its correlated randomness) runs right before its online
        // phase, so the online figures are not taxed by a heap holding every case's material at once.
        using var dealerStream = new BufferedStream(File.OpenRead(Path.Combine(folder, $"dealer-{partyId}.bin")), 1 << 20);
        var source = new DealerRandomness(partyId, seed, new DealerStreamReader(dealerStream)) { OnDemand = false };

        var barrier = new ulong[1];
        foreach (var c in cases)
        {
            var offline = Stopwatch.StartNew();
            await source.PreprocessAsync(c.Plan(), ct);
            Report(new BenchResult($"offline.party{partyId}.{c.Name}", offline.Elapsed.TotalMilliseconds / (MpcBenchCase.Warmup + c.Iterations), "ms"));
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var ctx = new PartyContext(partyId, channel, source, FixedPointFormat.Default, c.ComparisonBits) { MaxDegreeOfParallelism = threads, Comparison = c.Comparison };
            var times = new List<double>();
            TransferSnapshot cost = default;
            int gen2Before = GC.CollectionCount(2);
            for (int i = 0; i < MpcBenchCase.Warmup + c.Iterations; i++)
            {
                var inputs = c.Inputs(partyId, i);
                await channel.ExchangeAsync(barrier, barrier, ct); // both parties start together
                var before = channel.Statistics.Snapshot();
                var watch = Stopwatch.StartNew();
                await c.Run(ctx, inputs);
                watch.Stop();
                cost = channel.Statistics.Snapshot() - before;
                if (i >= MpcBenchCase.Warmup)
                {
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
            }
            times.Sort();
            Report(new BenchResult($"online.party{partyId}.{c.Name}.gen2_collections", GC.CollectionCount(2) - gen2Before, "count"));
            Report(new BenchResult($"online.party{partyId}.{c.Name}", times[times.Count / 2], "ms"));
            Report(new BenchResult($"online.party{partyId}.{c.Name}.min", times[0], "ms"));
            Report(new BenchResult($"secure.{c.Name}.bytes_sent", cost.BytesSent, "bytes"));
            Report(new BenchResult($"secure.{c.Name}.rounds", cost.Rounds, "rounds"));
        }
        return 0;
    }

    private static async Task<IPeerChannel> ConnectAsync(int partyId, TlsPeerOptions options, int port, CancellationToken ct)
    {
        if (partyId == 0)
        {
            await using var listener = TlsPeerListener.Start(options, new IPEndPoint(IPAddress.Loopback, 0));
            Console.WriteLine($"PORT {listener.LocalEndPoint.Port}");
            Console.Out.Flush();
            return await listener.AcceptAsync(ct);
        }
        return await TlsPeerChannel.ConnectAsync(options, "127.0.0.1", port, ct);
    }

    private static void Report(BenchResult result)
    {
        Console.WriteLine("RESULT " + result.ToJson());
        Console.Out.Flush();
    }
}
