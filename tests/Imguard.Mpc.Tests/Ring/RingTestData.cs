namespace Imguard.Mpc.Tests.Ring;

/// <summary>Random ring data from a fixed seed, seasoned with the values where wrap-around shows.</summary>
internal static class RingTestData
{
    private static readonly ulong[] Edges = [0, 1, 2, (1UL << 63) - 1, 1UL << 63, (1UL << 63) + 1, ulong.MaxValue - 1, ulong.MaxValue];

    public static ulong[] Random(Random rng, int length)
    {
        var values = new ulong[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = rng.Next(4) == 0 ? Edges[rng.Next(Edges.Length)] : (ulong)rng.NextInt64() ^ ((ulong)rng.Next(2) << 63);
        }
        return values;
    }

    public static float[] RandomFloats(Random rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++)
        {
            values[i] = (float)(rng.NextDouble() * 2 - 1);
        }
        return values;
    }
}
