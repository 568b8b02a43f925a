using BenchmarkDotNet.Attributes;
using Imguard.Mpc.Ring;

namespace Imguard.Benchmarks;

/// <summary>
/// Ring matrix product over Z_2^64 against the plaintext float product of the same shape, both from the same packed,
/// register-blocked driver, on one thread and on all of them.
/// </summary>
[MemoryDiagnoser]
public class RingMatMulBenchmarks
{
    private ulong[] _a = [];
    private ulong[] _b = [];
    private ulong[] _c = [];
    private float[] _fa = [];
    private float[] _fb = [];
    private float[] _fc = [];

    [Params("128x784x128", "128x128x10")]
    public string Shape { get; set; } = "128x784x128";

    /// <summary>1: the calling thread; -1: all processors.</summary>
    [Params(1, -1)]
    public int Threads { get; set; }

    private int M => int.Parse(Shape.Split('x')[0]);

    private int K => int.Parse(Shape.Split('x')[1]);

    private int N => int.Parse(Shape.Split('x')[2]);

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1234);
        _a = Enumerable.Range(0, M * K).Select(_ => (ulong)rng.NextInt64()).ToArray();
        _b = Enumerable.Range(0, K * N).Select(_ => (ulong)rng.NextInt64()).ToArray();
        _c = new ulong[M * N];
        _fa = Enumerable.Range(0, M * K).Select(_ => (float)rng.NextDouble()).ToArray();
        _fb = Enumerable.Range(0, K * N).Select(_ => (float)rng.NextDouble()).ToArray();
        _fc = new float[M * N];
    }

    [Benchmark(Baseline = true)]
    public void Float() => FloatMatMul.Multiply(_fa, _fb, _fc, M, K, N, Threads);

    [Benchmark]
    public void Ring() => RingOps.MatMul(_a, _b, _c, M, K, N, Threads);
}
