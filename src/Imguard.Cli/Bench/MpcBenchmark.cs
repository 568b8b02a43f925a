using System.Diagnostics;
using Imguard.Contracts.Files;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Ring;
using Imguard.ServiceDefaults.Pki;

namespace Imguard.Cli.Bench;

/// <summary>
/// <c>imguard bench mpc</c>: the 2PC engine's figures, measured in one run. This process is the coordinator and the
/// dealer: it makes a throw-away CA and party certificates, runs the dealer's offline phase into one stream file per
/// party (timed), starts the two parties as separate processes over mutual TLS 1.3 on 127.0.0.1, collects their
/// figures, and measures the plaintext baselines the secure figures are compared with.
/// </summary>
internal static class MpcBenchmark
{
    public static async Task<int> RunAsync(bool json, int iterations, int threads, CancellationToken ct)
    {
        var results = new List<BenchResult>();
        results.AddRange(PlaintextBaselines(threads));

        string folder = Directory.CreateTempSubdirectory("imguard-bench-").FullName;
        try
        {
            results.AddRange(WriteOfflineMaterial(folder, iterations));
            var partyResults = await RunPartiesAsync(folder, iterations, threads, ct);
            results.AddRange(Combine(partyResults, results));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        foreach (var r in results)
        {
            Console.WriteLine(json ? r.ToJson() : r.ToString());
        }
        return 0;
    }

    private static IEnumerable<BenchResult> PlaintextBaselines(int threads)
    {
        using var rng = new BenchmarkRandom(1);
        foreach (var (m, k, n) in new[] { (128, 784, 128), (128, 128, 10) })
        {
            var a = Enumerable.Range(0, m * k).Select(_ => (ulong)rng.NextInt64()).ToArray();
            var b = Enumerable.Range(0, k * n).Select(_ => (ulong)rng.NextInt64()).ToArray();
            var c = new ulong[m * n];
            var af = a.Select(v => (float)(v % 1000)).ToArray();
            var bf = b.Select(v => (float)(v % 1000)).ToArray();
            var cf = new float[m * n];
            double ring = Timing.MedianMilliseconds(() => RingOps.MatMul(a, b, c, m, k, n, threads));
            double single = Timing.MedianMilliseconds(() => FloatMatMul.Multiply(af, bf, cf, m, k, n, threads));
            var floatResult = new BenchResult($"plain.float_matmul.{m}x{k}x{n}", single, "ms");
            yield return floatResult;
            yield return new BenchResult($"plain.ring_matmul.{m}x{k}x{n}", ring, "ms").RelativeTo(floatResult);
        }
        var x = Enumerable.Range(0, 16384).Select(_ => (ulong)rng.NextInt64()).ToArray();
        var y = new ulong[x.Length];
        yield return new BenchResult("plain.relu.16384", Timing.MedianMilliseconds(() =>
        {
            for (int i = 0; i < x.Length; i++)
            {
                y[i] = (long)x[i] > 0 ? x[i] : 0;
            }
        }), "ms");
    }

    /// <summary>The dealer's offline phase: every party's messages for every run of every case, timed per item.</summary>
    private static IEnumerable<BenchResult> WriteOfflineMaterial(string folder, int iterations)
    {
        using (var ca = CertificateAuthority.Create("IMGuard bench CA"))
        {
            OwnerOnly.WriteAllText(Path.Combine(folder, "ca.pem"), ca.ExportPem().CertificatePem);
            for (int p = 0; p < 2; p++)
            {
                using var cert = ca.IssueCertificate($"party-{p}");
                var (pem, key) = CertificateAuthority.ExportCertificatePem(cert);
                OwnerOnly.WriteAllText(Path.Combine(folder, $"party-{p}.pem"), pem);
                OwnerOnly.WriteAllText(Path.Combine(folder, $"party-{p}.key"), key);
            }
        }
        var dealer = Mpc.Preprocessing.Dealer.CreateRandom();
        for (int p = 0; p < 2; p++)
        {
            var bytes = new byte[16];
            dealer.SeedFor(p).WriteTo(bytes);
            OwnerOnly.WriteAllBytes(Path.Combine(folder, $"seed-{p}.bin"), bytes);
        }
        var results = new List<BenchResult>();
        using var s0 = new BufferedStream(OwnerOnly.Create(Path.Combine(folder, "dealer-0.bin"), FileMode.Create), 1 << 20);
        using var s1 = new BufferedStream(OwnerOnly.Create(Path.Combine(folder, "dealer-1.bin"), FileMode.Create), 1 << 20);
        long index = 0;
        foreach (var c in MpcBenchCase.All(iterations))
        {
            var plan = c.Plan();
            double generate = 0;
            long words0 = 0, words1 = 0;
            foreach (var request in plan.Requests)
            {
                var watch = Stopwatch.StartNew();
                var (m0, m1) = dealer.Generate(index, request);
                generate += watch.Elapsed.TotalMilliseconds;
                DealerStream.Write(s0, index, request, m0);
                DealerStream.Write(s1, index, request, m1);
                words0 += m0.Length;
                words1 += m1.Length;
                index++;
            }
            int runs = MpcBenchCase.Warmup + c.Iterations;
            results.Add(new BenchResult($"offline.dealer.{c.Name}", generate / runs, "ms"));
            results.Add(new BenchResult($"offline.dealer.{c.Name}.bytes_to_party0", words0 * 8.0 / runs, "bytes"));
            results.Add(new BenchResult($"offline.dealer.{c.Name}.bytes_to_party1", words1 * 8.0 / runs, "bytes"));
        }
        return results;
    }

    private static async Task<List<BenchResult>[]> RunPartiesAsync(string folder, int iterations, int threads, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        using var party0 = Start(0, folder, 0, iterations, threads);
        try
        {
            var results0 = new List<BenchResult>();
            string? line;
            int port = 0;
            while ((line = await party0.StandardOutput.ReadLineAsync(timeout.Token)) is not null)
            {
                if (line.StartsWith("PORT ", StringComparison.Ordinal))
                {
                    port = int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture);
                    break;
                }
            }
            if (port == 0)
            {
                throw new InvalidOperationException($"Party 0 did not start: {await party0.StandardError.ReadToEndAsync(timeout.Token)}");
            }
            using var party1 = Start(1, folder, port, iterations, threads);
            var read0 = ReadResultsAsync(party0, results0, timeout.Token);
            var results1 = new List<BenchResult>();
            var read1 = ReadResultsAsync(party1, results1, timeout.Token);
            await Task.WhenAll(read0, read1);
            return [results0, results1];
        }
        finally
        {
            if (!party0.HasExited)
            {
                party0.Kill(entireProcessTree: true);
            }
        }
    }

    private static Process Start(int party, string folder, int port, int iterations, int threads)
    {
        // This imguard again, started as this one was (apphost or `dotnet imguard.dll`).
        ProcessStartInfo info = SelfCommand.StartInfo(
            ["bench", "party", "--id", $"{party}", "--folder", folder, "--port", $"{port}", "--iterations", $"{iterations}", "--threads", $"{threads}"]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start party {party}.");
    }

    private static async Task ReadResultsAsync(Process process, List<BenchResult> results, CancellationToken ct)
    {
        var errors = process.StandardError.ReadToEndAsync(ct);
        string? line;
        while ((line = await process.StandardOutput.ReadLineAsync(ct)) is not null)
        {
            if (line.StartsWith("RESULT ", StringComparison.Ordinal) && BenchResult.FromJson(line[7..]) is { } r)
            {
                results.Add(r);
            }
        }
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"A party process failed (exit {process.ExitCode}): {await errors}");
        }
    }

    /// <summary>
    /// The online time of an operation is the slower party's median; secure figures are compared with the plaintext
    /// figure of the same operation.
    /// </summary>
    private static IEnumerable<BenchResult> Combine(List<BenchResult>[] parties, List<BenchResult> baselines)
    {
        var byName = parties.SelectMany(p => p).GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.First());
        foreach (var c in MpcBenchCase.All(1))
        {
            var t0 = byName.GetValueOrDefault($"online.party0.{c.Name}");
            var t1 = byName.GetValueOrDefault($"online.party1.{c.Name}");
            if (t0 is null || t1 is null)
            {
                continue;
            }
            var online = new BenchResult($"secure.{c.Name}.online", Math.Max(t0.Value, t1.Value), "ms");
            string plainName = c.Name.StartsWith("matmul", StringComparison.Ordinal)
                ? "plain.ring_matmul." + c.Name.Split('.')[1]
                : c.Name.StartsWith("relu", StringComparison.Ordinal) ? "plain.relu.16384" : "";
            var plain = baselines.FirstOrDefault(b => b.Name == plainName);
            yield return plain is null ? online : online.RelativeTo(plain);
            var min0 = byName.GetValueOrDefault($"online.party0.{c.Name}.min");
            var min1 = byName.GetValueOrDefault($"online.party1.{c.Name}.min");
            if (min0 is not null && min1 is not null)
            {
                // The best run: shows how much of the median is this shared machine's noise.
                yield return new BenchResult($"secure.{c.Name}.online_best", Math.Max(min0.Value, min1.Value), "ms");
            }
            if (byName.GetValueOrDefault($"secure.{c.Name}.bytes_sent") is { } bytes)
            {
                yield return bytes;
            }
            if (byName.GetValueOrDefault($"secure.{c.Name}.rounds") is { } rounds)
            {
                yield return rounds;
            }
            var gc0 = byName.GetValueOrDefault($"online.party0.{c.Name}.gen2_collections");
            if (gc0 is not null)
            {
                yield return gc0 with { Name = $"secure.{c.Name}.gen2_collections_party0" };
            }
            var off0 = byName.GetValueOrDefault($"offline.party0.{c.Name}");
            var off1 = byName.GetValueOrDefault($"offline.party1.{c.Name}");
            if (off0 is not null && off1 is not null)
            {
                yield return new BenchResult($"offline.parties.{c.Name}", Math.Max(off0.Value, off1.Value), "ms");
            }
        }
    }
}
