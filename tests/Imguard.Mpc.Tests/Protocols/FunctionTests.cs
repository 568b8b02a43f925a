using Imguard.Mpc.Encoding;
using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Transport;
using Xunit.Abstractions;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class FunctionTests(ITestOutputHelper output)
{
    private static readonly double Ulp = TwoParties.Format.Ulp;

    private static double Encoded(double v) => TwoParties.Format.Decode(TwoParties.Format.Encode(v));

    /// <summary>Random values in [low, high] plus both ends and the given interior points.</summary>
    private static double[] Domain(Random rng, int n, double low, double high, params double[] points)
    {
        var v = new double[n];
        for (int i = 0; i < n; i++)
        {
            v[i] = low + (high - low) * rng.NextDouble();
        }
        v[0] = low;
        v[1] = high;
        v[2] = high - 1e-3;
        points.CopyTo(v, 3);
        return v;
    }

    private static async Task<(double[] Result, TransferSnapshot Cost)> RunAsync(
        Func<PartyContext, SharedTensor, ValueTask<SharedTensor>> protocol, double[] values, params int[] shape)
    {
        var shares = TwoParties.Share(values, shape);
        var (r0, r1) = await TwoParties.RunAsync(async ctx =>
        {
            var before = ctx.Statistics.Snapshot();
            var z = await protocol(ctx, TwoParties.Pick(ctx.PartyId, shares));
            return (z, ctx.Statistics.Snapshot() - before);
        });
        Assert.Equal(r0.z.Shape.ToArray(), r1.z.Shape.ToArray());
        return (TwoParties.Open((r0.z, r1.z)), r0.Item2);
    }

    [Fact]
    public async Task Exp_is_within_the_limit_error_on_minus_16_to_2_and_costs_16_rounds()
    {
        var rng = new Random(21);
        var x = Domain(rng, 3000, -16, 2, 0, -1e-4, 1e-4, -2, -1, 1, -4, -8, 1.5, -Ulp);
        var (secure, cost) = await RunAsync((ctx, s) => Functions.ExpAsync(ctx, s), x);
        double worstAbs = 0, worstRelNearZero = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double plain = Math.Exp(Encoded(x[i]));
            double error = Math.Abs(secure[i] - plain);
            // Stated bound: the limit's error e^x·x²/2^(t+1) (10 % margin for the cubic term) + 4 ulps of fixed point.
            double xe = Encoded(x[i]);
            Assert.InRange(error, 0, 1.1 * plain * xe * xe / Math.ScaleB(1.0, Functions.ExpIterations + 1) + 4 * Ulp);
            worstAbs = Math.Max(worstAbs, error);
            if (Math.Abs(xe) <= 2)
            {
                worstRelNearZero = Math.Max(worstRelNearZero, error / plain);
            }
            if (xe <= 0)
            {
                Assert.InRange(error, 0, 1.2e-3);                                       // what softmax relies on
            }
        }
        output.WriteLine($"exp on [-16, 2]: max abs error {worstAbs:E3}, max rel error on [-2, 2] {worstRelNearZero:E3}");
        Assert.InRange(worstRelNearZero, 0, 0.0085);                                   // limit error 0.783 % at x = ±2
        Assert.Equal(2 * Functions.ExpIterations, cost.Rounds);
        Assert.Equal(8L * 3 * Functions.ExpIterations * x.Length, cost.BytesSent);
    }

    [Fact]
    public async Task Exp_of_very_negative_inputs_stays_small_down_to_minus_two_to_the_t()
    {
        var rng = new Random(22);
        var x = Domain(rng, 500, -256, -16, -100, -255.99);
        var (secure, _) = await RunAsync((ctx, s) => Functions.ExpAsync(ctx, s), x);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.InRange(secure[i], -Ulp, Math.Exp(x[i]) + 2 * Ulp);                  // in [0, e^x] up to rounding
        }
    }

    [Fact]
    public async Task Reciprocal_is_within_two_ulps_on_1_to_200()
    {
        var rng = new Random(23);
        // 8 to 12: where the initial guess is worst (1 − x·y0 ≈ 0.97).
        var x = Domain(rng, 3000, 1, 200, 10, 9, 11, 12, 8, 1.0001, 2, 100, 199, 50);
        var (secure, cost) = await RunAsync((ctx, s) => Functions.ReciprocalAsync(ctx, s), x);
        double worstAbs = 0, worstRel = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double plain = 1 / Encoded(x[i]);
            double error = Math.Abs(secure[i] - plain);
            Assert.InRange(error, 0, 2 * Ulp);                                         // stated bound: 2 ulps absolute
            worstAbs = Math.Max(worstAbs, error);
            worstRel = Math.Max(worstRel, error / plain);
        }
        output.WriteLine($"reciprocal on [1, 200]: max abs error {worstAbs / Ulp:F2} ulps ({worstAbs:E3}), max rel error {worstRel:E3}");
        Assert.Equal(2 * Functions.ExpIterations + 3 * Functions.ReciprocalIterations, cost.Rounds);
    }

    [Theory]
    [InlineData(1, 10)]     // the softmax's row sums for 10 classes
    [InlineData(1, 200)]    // its longest rows: the widest range it is used on
    [InlineData(1, 1)]
    public async Task Reciprocal_in_a_known_range_is_within_two_ulps_with_no_exponential(double lower, double upper)
    {
        var rng = new Random(26);
        var x = Domain(rng, 2000, lower, upper, lower, upper, (lower + upper) / 2, Math.Min(upper, lower + 1e-4));
        var (secure, cost) = await RunAsync((ctx, s) => Functions.ReciprocalInRangeAsync(ctx, s, lower, upper), x);
        double worstAbs = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double error = Math.Abs(secure[i] - 1 / Encoded(x[i]));
            Assert.InRange(error, 0, 2 * Ulp);
            worstAbs = Math.Max(worstAbs, error);
        }
        int k = Functions.ReciprocalInRangeIterations(lower, upper, 16);
        output.WriteLine($"reciprocal on [{lower}, {upper}]: {k} Newton steps, max abs error {worstAbs / Ulp:F2} ulps");
        Assert.Equal(1 + 3 * (k - 1), cost.Rounds);
        if (upper == 10)
        {
            Assert.Equal(7, k);   // 19 rounds, against the general reciprocal's 16 + 27
        }
    }

    [Fact]
    public async Task Inverse_square_root_is_within_two_ulps_on_0_1_to_100()
    {
        var rng = new Random(24);
        var x = Domain(rng, 3000, 0.1, 100, 1, 3, 10, 0.1001, 99.99, 50, 0.5, 25);
        var (secure, cost) = await RunAsync((ctx, s) => Functions.InverseSquareRootAsync(ctx, s), x);
        double worstAbs = 0, worstRel = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double plain = 1 / Math.Sqrt(Encoded(x[i]));
            double error = Math.Abs(secure[i] - plain);
            Assert.InRange(error, 0, 2 * Ulp);                                         // stated bound: 2 ulps absolute                                       // stated bound: 3 ulps absolute
            worstAbs = Math.Max(worstAbs, error);
            worstRel = Math.Max(worstRel, error / plain);
        }
        output.WriteLine($"inverse square root on [0.1, 100]: max abs error {worstAbs / Ulp:F2} ulps ({worstAbs:E3}), max rel error {worstRel:E3}");
        Assert.Equal(1 + 2 * Functions.ExpIterations + 1 + 4 * Functions.InverseSquareRootIterations, cost.Rounds);
    }

    [Fact]
    public async Task Log_is_within_four_ulps_on_1e_minus_4_to_100_and_costs_89_rounds()
    {
        var rng = new Random(26);
        double[] points = [Functions.LogMinimum, Functions.LogMaximum, 1.0001e-4, 1.2e-4, 1.5e-4, 2e-4, 5e-4, 1e-3, 0.01, 0.1,
            0.5, 1, 1 + 1e-4, 2, Math.E, 10, 50, 99, 99.99, 1 - 1e-4];
        // Log-uniform over the domain (every decade equally), then the points above.
        var x = new double[3000];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Functions.LogMinimum * Math.Pow(Functions.LogMaximum / Functions.LogMinimum, rng.NextDouble());
        }
        points.CopyTo(x, 0);
        var (secure, cost) = await RunAsync((ctx, s) => Functions.LogAsync(ctx, s), x);
        double worstAbs = 0, worstRel = 0, worstAt = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double plain = Math.Log(Encoded(x[i]));
            double error = Math.Abs(secure[i] - plain);
            Assert.InRange(error, 0, 4 * Ulp);                                         // stated bound: 4 ulps absolute
            if (error > worstAbs)
            {
                (worstAbs, worstAt) = (error, x[i]);
            }
            if (Math.Abs(plain) > 0.1)
            {
                worstRel = Math.Max(worstRel, error / Math.Abs(plain));
            }
        }
        output.WriteLine($"log on [1e-4, 100]: max abs error {worstAbs / Ulp:F2} ulps ({worstAbs:E3}) at x = {worstAt:G4}, max rel error (|ln x| > 0.1) {worstRel:E3}");
        Assert.Equal(2 * Functions.ExpIterations + 1 + (2 * Functions.ExpIterations + 8) * Functions.LogIterations, cost.Rounds);
        Assert.Equal(8L * (3 * Functions.ExpIterations + 1 + (3 * Functions.ExpIterations + 30) * Functions.LogIterations) * x.Length, cost.BytesSent);
    }

    [Fact]
    public async Task Log_below_the_domain_down_to_zero_stays_finite_and_below_log_of_the_minimum()
    {
        var rng = new Random(27);
        var x = new double[500];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Functions.LogMinimum * rng.NextDouble();
        }
        double[] points = [0, Ulp, 2 * Ulp, 3 * Ulp, 4 * Ulp, 6e-5, 8e-5, Functions.LogMinimum];
        points.CopyTo(x, 0);
        var (secure, _) = await RunAsync((ctx, s) => Functions.LogAsync(ctx, s), x);
        double lowest = double.MaxValue, worstNear = 0;
        for (int i = 0; i < x.Length; i++)
        {
            // Stated: finite (≥ −12.5, ≈ ln of 1/4 ulp) and never above ln 1e-4, up to the in-domain bound.
            Assert.InRange(secure[i], -12.5, Math.Log(Encoded(Functions.LogMinimum)) + 4 * Ulp);
            lowest = Math.Min(lowest, secure[i]);
            if (x[i] >= 6e-5)
            {
                double error = Math.Abs(secure[i] - Math.Log(Encoded(x[i])));
                Assert.InRange(error, 0, 1e-3);                                        // stated: 1e-3 down to 6e-5 (4 ulps)
                worstNear = Math.Max(worstNear, error);
            }
        }
        output.WriteLine($"log on [0, 1e-4]: lowest {lowest:F3} (at x = 0), max abs error on [6e-5, 1e-4] {worstNear:E3}");
    }

    [Fact]
    public async Task Softmax_of_rows_of_ten_logits_is_within_one_hundredth_per_output()
    {
        var rng = new Random(25);
        const int rows = 200, n = 10;
        var x = new double[rows * n];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = rng.NextDouble() * 20 - 10;
        }
        Array.Fill(x, 0.0, 0, n);                                                      // all zeros: uniform
        Array.Fill(x, 10.0, n, n);                                                     // all at the top: uniform
        x[2 * n] = 10;                                                                 // one dominant logit
        Array.Fill(x, -10.0, 2 * n + 1, n - 1);
        x[3 * n + 4] = x[3 * n + 7] = 10;                                              // a tie at the max
        var (secure, cost) = await RunAsync((ctx, s) => Functions.SoftmaxAlongLastAxisAsync(ctx, s), x, rows, n);
        double worst = 0, worstSum = 0;
        for (int r = 0; r < rows; r++)
        {
            var row = x.Skip(r * n).Take(n).Select(Encoded).ToArray();
            double max = row.Max();
            double total = row.Sum(v => Math.Exp(v - max));
            double secureSum = 0;
            for (int j = 0; j < n; j++)
            {
                double plain = Math.Exp(row[j] - max) / total;
                double error = Math.Abs(secure[r * n + j] - plain);
                Assert.InRange(error, 0, 1e-2);                                        // stated bound: 1e-2 per output
                worst = Math.Max(worst, error);
                secureSum += secure[r * n + j];
            }
            worstSum = Math.Max(worstSum, Math.Abs(secureSum - 1));
        }
        output.WriteLine($"softmax, rows of 10 logits in [-10, 10]: max abs error {worst:E3}, max |row sum − 1| {worstSum:E3}");
        int k = Functions.ReciprocalInRangeIterations(1, n, 16);
        int maxRounds = Math.Min(4 * TwoParties.ComparisonRounds, TwoParties.ComparisonRounds + 4 + 1);   // all pairs: fewer rounds
        Assert.Equal(maxRounds + 2 * Functions.ExpIterations + (1 + 3 * (k - 1)) + 2, cost.Rounds);
    }

    [Fact]
    public async Task Softmax_of_a_single_entry_is_one_and_overlong_rows_are_refused()
    {
        var (secure, _) = await RunAsync((ctx, s) => Functions.SoftmaxAlongLastAxisAsync(ctx, s), [3.0, -7.5, 0.0], 3, 1);
        foreach (double p in secure)
        {
            Assert.InRange(Math.Abs(p - 1), 0, 1e-3);
        }
        var wide = TwoParties.Share(new double[Functions.SoftmaxMaxLength + 1], 1, Functions.SoftmaxMaxLength + 1);
        await TwoParties.RunAsync(async ctx =>
        {
            await Assert.ThrowsAsync<ArgumentException>(() => Functions.SoftmaxAlongLastAxisAsync(ctx, TwoParties.Pick(ctx.PartyId, wide)).AsTask());
            return 0;
        });
    }

    [Fact]
    public async Task Formats_with_more_fractional_bits_than_supported_are_refused_before_anything_is_sent()
    {
        var (c0, c1) = InMemoryPeerChannel.CreatePair();
        var (r0, _) = InProcessDealer.CreatePair();
        var format = new FixedPointFormat(Functions.MaxFractionalBits + 1);
        var ctx = new PartyContext(0, c0, r0, format);
        var x = new SharedTensor(0, new RingTensor(4), format);
        await Assert.ThrowsAsync<NotSupportedException>(() => Functions.ExpAsync(ctx, x).AsTask());
        await Assert.ThrowsAsync<NotSupportedException>(() => Functions.ReciprocalAsync(ctx, x).AsTask());
        await Assert.ThrowsAsync<NotSupportedException>(() => Functions.InverseSquareRootAsync(ctx, x).AsTask());
        await Assert.ThrowsAsync<NotSupportedException>(() => Functions.SoftmaxAlongLastAxisAsync(ctx, x).AsTask());
        await Assert.ThrowsAsync<NotSupportedException>(() => Functions.LogAsync(ctx, x).AsTask());
        Assert.Equal(default(TransferSnapshot), ctx.Statistics.Snapshot());
        await c0.DisposeAsync();
        await c1.DisposeAsync();
    }
}
