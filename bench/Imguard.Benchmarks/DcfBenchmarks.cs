using BenchmarkDotNet.Attributes;
using Imguard.Mpc.Fss;

namespace Imguard.Benchmarks;

/// <summary>DCF key evaluation (the local part of one-round ReLU) for 16,384 keys, by domain bits and payload words.</summary>
[MemoryDiagnoser]
public class DcfBenchmarks
{
    private const int Count = 16384;
    private ulong[] _roots = [];
    private ulong[] _corrections = [];
    private ulong[] _inputs = [];
    private ulong[] _output = [];

    [Params(31, 63)]
    public int DomainBits { get; set; }

    [Params(1, 2)]
    public int PayloadWords { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        ulong mask = (1UL << DomainBits) - 1;
        var alphas = Enumerable.Range(0, Count).Select(_ => (ulong)rng.NextInt64() & mask).ToArray();
        _inputs = Enumerable.Range(0, Count).Select(_ => (ulong)rng.NextInt64() & mask).ToArray();
        var betas = new ulong[Count * PayloadWords];
        _roots = Enumerable.Range(0, 2 * Count).Select(_ => (ulong)rng.NextInt64()).ToArray();
        var roots1 = Enumerable.Range(0, 2 * Count).Select(_ => (ulong)rng.NextInt64()).ToArray();
        _corrections = new ulong[Count * Dcf.CorrectionWords(DomainBits, PayloadWords)];
        Dcf.Generate(DomainBits, PayloadWords, alphas, betas, _roots, roots1, _corrections);
        _output = new ulong[Count * PayloadWords];
    }

    [Benchmark]
    public void Evaluate() => Dcf.Evaluate(0, DomainBits, PayloadWords, _roots, _corrections, _inputs, _output);
}
