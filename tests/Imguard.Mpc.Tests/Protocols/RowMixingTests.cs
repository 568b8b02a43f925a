using Imguard.Mpc.Preprocessing;
using Imguard.Mpc.Protocols;
using Imguard.Mpc.Randomness;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;
using Imguard.Mpc.Transport;

namespace Imguard.Mpc.Tests.Protocols;

public sealed class RowMixingTests
{
    [Fact]
    public async Task Mixed_rows_match_the_plaintext_combination_within_one_ulp()
    {
        var rng = new Random(41);
        const int n = 23, width = 9, k = 3, m = 10;
        var f = TwoParties.Format;
        var table = TwoParties.Values(rng, n * width, 40);
        var shares = TwoParties.Share(table, n, width);
        var coefficients = TwoParties.Values(rng, m * k * width, 2);
        var partners = Enumerable.Range(0, m * k).Select(_ => rng.Next(n)).ToArray();
        var (seed0, seed1) = (Seed.Random(), Seed.Random());
        var message = RowMixing.DealerMessage(seed0, seed1, 5, 2, partners, k, f.Encode(coefficients), width);

        var result = await TwoParties.RunAsync(async ctx =>
        {
            var seed = ctx.PartyId == 0 ? seed0 : seed1;
            var opened = await RowMixing.OpenTableAsync(ctx, TwoParties.Pick(ctx.PartyId, shares), seed, 5);
            return await RowMixing.MixAsync(ctx, opened, seed, 2, partners, k, ctx.PartyId == 1 ? message : []);
        });

        var mixed = TwoParties.Open(result);
        Assert.Equal([m, width], result.Party0.Shape.ToArray());
        for (int i = 0; i < m; i++)
        {
            for (int t = 0; t < width; t++)
            {
                double expected = 0;
                for (int j = 0; j < k; j++)
                {
                    // Inputs are on the fixed-point grid after encoding; the ring product is exact, one truncation.
                    double c = f.Decode(f.Encode(coefficients[(i * k + j) * width + t]));
                    double x = f.Decode(f.Encode(table[partners[i * k + j] * width + t]));
                    expected += c * x;
                }
                Assert.InRange(mixed[i * width + t] - expected, -f.Ulp, f.Ulp);
            }
        }
    }

    [Fact]
    public async Task The_opened_table_is_the_input_under_a_uniform_pad_and_the_dealt_halves_are_uniform()
    {
        // What a party sees of the table is x − a; with x = 0 that is −a itself, which must look uniform
        // (a mean of the top bit near 1/2 over many words), and it must change with the scope.
        const int n = 64, width = 32;
        var zeros = TwoParties.Share(new double[n * width], n, width);
        var (seed0, seed1) = (Seed.Random(), Seed.Random());
        var opened = await TwoParties.RunAsync(async ctx =>
        {
            var seed = ctx.PartyId == 0 ? seed0 : seed1;
            var first = await RowMixing.OpenTableAsync(ctx, TwoParties.Pick(ctx.PartyId, zeros), seed, 1);
            var second = await RowMixing.OpenTableAsync(ctx, TwoParties.Pick(ctx.PartyId, zeros), seed, 2);
            return (first, second);
        });
        var words = opened.Party0.first.Opened;
        Assert.Equal(words, opened.Party1.first.Opened);                 // both parties open the same values
        double topBits = words.Average(w => (double)(w >> 63));
        Assert.InRange(topBits, 0.45, 0.55);                             // n·width = 2048 words: 4.4 standard errors
        Assert.NotEqual(words, opened.Party0.second.Opened);             // a fresh pad per scope
    }

    [Fact]
    public async Task Party_one_rejects_a_message_of_the_wrong_length_and_partners_outside_the_table()
    {
        var shares = TwoParties.Share(new double[4 * 3], 4, 3);
        var error = await Record.ExceptionAsync(() => TwoParties.RunAsync(async ctx =>
        {
            var opened = await RowMixing.OpenTableAsync(ctx, TwoParties.Pick(ctx.PartyId, shares), Seed.Random(), 0);
            return await RowMixing.MixAsync(ctx, opened, Seed.Random(), 0, [0, 9], 2, ctx.PartyId == 1 ? new ulong[3] : []);
        }));
        Assert.NotNull(error);
        Assert.Contains("outside the table", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dealt_secret_halves_add_up_to_the_secret_and_streams_are_separated_by_purpose_scope_and_index()
    {
        var seed0 = Seed.Random();
        var secret = new ulong[] { 1, 2, 3, ulong.MaxValue };
        ulong stream = DealtSecrets.Stream(DealtPurpose.InitialParameters, 3, 7);
        var half1 = DealtSecrets.ShareOf(1, Seed.Random(), stream, [4], DealtSecrets.MessageForParty1(seed0, stream, secret));
        var half0 = DealtSecrets.ShareOf(0, seed0, stream, [4], []);
        Assert.Equal(secret, SecretSharer.Reconstruct(half0, half1).Data);
        var streams = new[]
        {
            stream, DealtSecrets.Stream(DealtPurpose.MixingMask, 3, 7), DealtSecrets.Stream(DealtPurpose.InitialParameters, 4, 7),
            DealtSecrets.Stream(DealtPurpose.InitialParameters, 3, 8),
        };
        Assert.Equal(streams.Length, streams.Distinct().Count());
        Assert.All(streams, s => Assert.True(s >= 1UL << 63));          // never an item index of the Dealer
        Assert.Throws<ArgumentOutOfRangeException>(() => DealtSecrets.Stream(DealtPurpose.MixingMask, 1 << 24, 0));
        Assert.Throws<ArgumentException>(() => DealtSecrets.ShareOf(1, seed0, stream, [4], new ulong[3]));
    }
}
