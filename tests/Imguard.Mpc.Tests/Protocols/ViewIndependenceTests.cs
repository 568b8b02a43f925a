using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Protocols;

/// <summary>
/// Semi-honest privacy, tested statistically: party 1's view (its input shares and every word it receives) must have
/// the same distribution whatever the secret. We run the same protocol on two different secrets with fresh
/// randomness many times and compare simple features of the view — each received word, and the party's share plus
/// each received word (the combination that exposes an unmasked opening) — with a chi-square test on 4-bit windows
/// across each word. A deliberately leaky protocol serves as the control that the test can fail.
/// </summary>
public sealed class ViewIndependenceTests
{
    private const int Elements = 32;
    private const int Trials = 300;

    // 4-bit windows of each feature: the low bits, the fixed-point fraction and integer parts, the top bits.
    private static readonly int[] Windows = [0, 12, 16, 24, 32, 44, 60];

    // χ² with 15 degrees of freedom exceeds 70 with probability ≈ 4e-9; with ~1,400 feature windows the test's
    // false alarm rate stays below 1e-5.
    private const double Threshold = 70;

    [Theory]
    [InlineData(ComparisonProtocol.BinaryCircuit)]
    [InlineData(ComparisonProtocol.FunctionSecretSharing)]
    public async Task Party_1_view_of_multiply_truncate_relu_does_not_depend_on_the_secret(ComparisonProtocol protocol)
    {
        var zeros = new double[Elements];
        var large = Enumerable.Range(0, Elements).Select(i => (i % 2 == 0 ? 1 : -1) * (1000.5 + 37 * i)).ToArray();
        var viewsA = await CollectViewsAsync(zeros, SecureStep, protocol);
        var viewsB = await CollectViewsAsync(large, SecureStep, protocol);
        double worst = WorstChiSquare(viewsA, viewsB);
        Assert.InRange(worst, 0, Threshold);
    }

    [Fact]
    public async Task Party_1_view_of_a_relu_and_its_one_opening_backward_product_does_not_depend_on_the_secret()
    {
        var zeros = new double[Elements];
        var large = Enumerable.Range(0, Elements).Select(i => (i % 2 == 0 ? 1 : -1) * (1000.5 + 37 * i)).ToArray();
        var viewsA = await CollectViewsAsync(zeros, ReluAndBackwardStep);
        var viewsB = await CollectViewsAsync(large, ReluAndBackwardStep);
        Assert.InRange(WorstChiSquare(viewsA, viewsB), 0, Threshold);
    }

    [Fact]
    public async Task The_test_detects_a_protocol_that_opens_an_unmasked_share()
    {
        var zeros = new double[Elements];
        var large = Enumerable.Range(0, Elements).Select(i => 1000.5 + i).ToArray();
        var viewsA = await CollectViewsAsync(zeros, LeakyStep);
        var viewsB = await CollectViewsAsync(large, LeakyStep);
        double worst = WorstChiSquare(viewsA, viewsB);
        Assert.True(worst > 5 * Threshold, $"chi2 = {worst}, words {viewsA[0].Length}");
    }

    private static async Task SecureStep(PartyContext ctx, Imguard.Mpc.Sharing.SharedTensor x)
    {
        var square = await Beaver.MultiplyAsync(ctx, x, x);
        await Comparison.ReluAsync(ctx, Linear.Subtract(ctx, square, x));
    }

    // The gradient is the secret itself: δ = x − u must hide it, and the sign's mask e = s ⊕ t must hide the sign.
    private static async Task ReluAndBackwardStep(PartyContext ctx, Imguard.Mpc.Sharing.SharedTensor x)
    {
        var (_, derivative) = await Comparison.ReluForBackwardAsync(ctx, x);
        await Comparison.MultiplyByDerivativeAsync(ctx, x, derivative);
    }

    private static async Task LeakyStep(PartyContext ctx, Imguard.Mpc.Sharing.SharedTensor x)
    {
        var theirs = new ulong[x.Length];
        await ctx.Peer.ExchangeAsync(x.Share.Data, theirs); // opens x itself: x₀ + x₁ is the secret
    }

    /// <summary>Per trial: party 1's share followed by every word it received, in order.</summary>
    private static async Task<List<ulong[]>> CollectViewsAsync(
        double[] secret, Func<PartyContext, Imguard.Mpc.Sharing.SharedTensor, Task> step, ComparisonProtocol protocol = ComparisonProtocol.BinaryCircuit)
    {
        var views = new List<ulong[]>();
        for (int t = 0; t < Trials; t++)
        {
            var (c0, c1) = InMemoryPeerChannel.CreatePair();
            var recorder = new RecordingPeerChannel(c1);
            var (r0, r1) = InProcessDealer.CreatePair();
            var shares = TwoParties.Share(secret);
            var ctx0 = new PartyContext(0, c0, r0, FixedPointFormat.Default) { Comparison = protocol };
            var ctx1 = new PartyContext(1, recorder, r1, FixedPointFormat.Default) { Comparison = protocol };
            await Task.WhenAll(Task.Run(() => step(ctx0, shares.Party0)), Task.Run(() => step(ctx1, shares.Party1)));
            views.Add([.. shares.Party1.Share.Data, .. recorder.Received.SelectMany(f => f)]);
        }
        return views;
    }

    private static double WorstChiSquare(List<ulong[]> a, List<ulong[]> b)
    {
        int words = a[0].Length;
        double worst = 0;
        // Feature families: received word w; share of element (w mod n) plus received word w.
        for (int w = Elements; w < words; w++)
        {
            int e = w % Elements;
            foreach (var feature in new Func<ulong[], ulong>[] { v => v[w], v => unchecked(v[e] + v[w]) })
            {
                foreach (int shift in Windows)
                {
                    worst = Math.Max(worst, ChiSquare(a.Select(feature), b.Select(feature), v => (v >> shift) & 15));
                }
            }
        }
        return worst;
    }

    /// <summary>Two-sample χ² homogeneity statistic over 16 buckets.</summary>
    private static double ChiSquare(IEnumerable<ulong> a, IEnumerable<ulong> b, Func<ulong, ulong> bucket)
    {
        var ca = new double[16];
        var cb = new double[16];
        foreach (var v in a) ca[bucket(v)]++;
        foreach (var v in b) cb[bucket(v)]++;
        double na = ca.Sum(), nb = cb.Sum(), chi = 0;
        for (int k = 0; k < 16; k++)
        {
            double total = ca[k] + cb[k];
            if (total == 0) continue;
            double ea = total * na / (na + nb), eb = total * nb / (na + nb);
            chi += (ca[k] - ea) * (ca[k] - ea) / ea + (cb[k] - eb) * (cb[k] - eb) / eb;
        }
        return chi;
    }
}
