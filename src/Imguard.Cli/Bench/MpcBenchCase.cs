using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Sharing;

namespace Imguard.Cli.Bench;

/// <summary>
/// One secure operation of <c>imguard bench mpc</c>: its name, the randomness one run consumes (so the dealer can
/// produce every run's material in the offline phase), and the online step itself. The coordinator (dealer) and
/// both parties build the same list, which is what keeps the three processes in step.
/// </summary>
internal sealed record MpcBenchCase(
    string Name,
    int ComparisonBits,
    int Iterations,
    IReadOnlyList<RandomnessRequest> PerRun,
    Func<PartyContext, SharedTensor[], ValueTask> Run,
    Func<int, int, SharedTensor[]> Inputs,
    ComparisonProtocol Comparison = ComparisonProtocol.BinaryCircuit)
{
    public const int Warmup = 2;

    public RandomnessPlan Plan()
    {
        var plan = new RandomnessPlan();
        for (int i = 0; i < Warmup + Iterations; i++)
        {
            plan.AddRange(PerRun);
        }
        return plan;
    }

    /// <summary>The operations the targets name, at their shapes.</summary>
    public static IReadOnlyList<MpcBenchCase> All(int iterations)
    {
        var f = Imguard.Mpc.Encoding.FixedPointFormat.Default;
        int reluIterations = Math.Max(3, iterations / 3); // DCF ReLU keys are ~2 KB per element: keep the offline files moderate
        return
        [
            Exchange("exchange.8B", 1, iterations),
            Exchange("exchange.1.6MB", 200_704, iterations),
            MatMul("matmul.128x784x128", 128, 784, 128, truncate: false, iterations),
            MatMul("matmul.128x784x128.truncated", 128, 784, 128, truncate: true, iterations),
            MatMul("matmul.128x128x10", 128, 128, 10, truncate: false, iterations),
            MatMul("matmul.128x128x10.truncated", 128, 128, 10, truncate: true, iterations),
            new("truncation.16384", 64, iterations, [RandomnessRequest.Truncation(16384, f.FractionalBits)],
                async (ctx, x) => await Truncation.TruncateAsync(ctx, x[0]), (party, seed) => [Random(party, seed, 16384)]),
            Relu("relu.16384.dcf", 64, ComparisonProtocol.FunctionSecretSharing, reluIterations),
            Relu("relu.16384.dcf.l32", 32, ComparisonProtocol.FunctionSecretSharing, reluIterations),
            Relu("relu.16384.binary", 64, ComparisonProtocol.BinaryCircuit, iterations),
            Relu("relu.16384.binary.l32", 32, ComparisonProtocol.BinaryCircuit, iterations),
        ];
    }

    /// <summary>ReLU of 16384 values by one comparison protocol (the two are compared in one run).</summary>
    private static MpcBenchCase Relu(string name, int bits, ComparisonProtocol protocol, int iterations) =>
        new(name, bits, iterations,
            [protocol == ComparisonProtocol.BinaryCircuit
                ? RandomnessRequest.BitSign(16384, bits, withProduct: true)
                : RandomnessRequest.Sign(16384, bits, withProduct: true)],
            async (ctx, x) => await Imguard.Mpc.Protocols.Comparison.ReluAsync(ctx, x[0]), (party, seed) => [Random(party, seed, 16384)], protocol);

    /// <summary>The transport alone: one round in which each party sends <paramref name="words"/> words.</summary>
    private static MpcBenchCase Exchange(string name, int words, int iterations)
    {
        var send = new ulong[words];
        var receive = new ulong[words];
        return new(name, 64, iterations, [], async (ctx, _) => await ctx.Peer.ExchangeAsync(send, receive), (_, _) => []);
    }

    private static MpcBenchCase MatMul(string name, int m, int k, int n, bool truncate, int iterations)
    {
        var perRun = new List<RandomnessRequest> { RandomnessRequest.MatrixTriple(m, k, n) };
        if (truncate)
        {
            perRun.Add(RandomnessRequest.Truncation(m * n, Imguard.Mpc.Encoding.FixedPointFormat.Default.FractionalBits));
        }
        return new(name, 64, iterations, perRun,
            async (ctx, x) =>
            {
                if (truncate)
                {
                    await Beaver.MatMulAsync(ctx, x[0], x[1]);
                }
                else
                {
                    await Beaver.MatMulRawAsync(ctx, x[0], x[1]);
                }
            },
            (party, seed) => [Random(party, seed, m, k), Random(party, seed + 1, k, n)]);
    }

    /// <summary>
    /// A party's share of a benchmark input. The values do not matter for timing; each party draws its share
    /// independently (the secret is their sum), so no process ever holds a plaintext input.
    /// </summary>
    private static SharedTensor Random(int party, int seed, params int[] shape)
    {
        var tensor = new Imguard.Mpc.Ring.RingTensor(shape);
        using var prg = new Imguard.Mpc.Randomness.AesCtrPrg(Imguard.Mpc.Randomness.Seed.Random(), (ulong)seed);
        prg.Fill(tensor.Span);
        // Keep magnitudes in the fixed-point range the protocols assume (|x| < 16 after decoding, so sums of 784 products stay far below the truncation bound 2^62).
        for (int i = 0; i < tensor.Length; i++)
        {
            tensor.Span[i] = (ulong)((long)tensor.Span[i] >> 44);
        }
        return new SharedTensor(party, tensor, Imguard.Mpc.Encoding.FixedPointFormat.Default);
    }
}
