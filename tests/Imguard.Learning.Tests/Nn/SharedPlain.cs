using Imguard.Learning.Nn;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Tests.Nn;

/// <summary>Moves test tensors between plaintext and two parties' shares.</summary>
internal static class SharedPlain
{
    public static readonly FixedPointFormat Format = FixedPointFormat.Default;

    /// <summary>A random tensor whose values lie on the fixed-point grid, so encoding adds no error.</summary>
    public static PlainTensor Random(Random rng, double magnitude, params int[] shape)
    {
        var t = new PlainTensor(shape);
        for (int i = 0; i < t.Length; i++)
        {
            t.Data[i] = Math.Round((rng.NextDouble() * 2 - 1) * magnitude * Format.Scale) / Format.Scale;
        }
        return t;
    }

    public static (SharedTensor Party0, SharedTensor Party1) Share(PlainTensor x)
    {
        var (s0, s1) = SecretSharer.Split(new RingTensor(Format.Encode(x.Data), x.Shape.ToArray()));
        return (new SharedTensor(0, s0, Format), new SharedTensor(1, s1, Format));
    }

    public static SharedTensor Pick(int party, (SharedTensor Party0, SharedTensor Party1) pair) => party == 0 ? pair.Party0 : pair.Party1;

    public static PlainTensor Open(SharedTensor a, SharedTensor b) =>
        new(Format.Decode(SecretSharer.Reconstruct(a, b).Span), a.Shape.ToArray());

    public static double MaxAbsDifference(PlainTensor a, PlainTensor b)
    {
        Assert.Equal(a.Shape.ToArray(), b.Shape.ToArray());
        double worst = 0;
        for (int i = 0; i < a.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(a.Data[i] - b.Data[i]));
        }
        return worst;
    }
}
