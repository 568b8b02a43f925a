using System.Runtime.Intrinsics;

namespace Imguard.Mpc.Ring;

public static partial class RingOps
{
    /// <summary>
    /// c = a · b over Z_2^64, with a of shape m × k, b of shape k × n and c of shape m × n, all row-major; c is
    /// overwritten and must not overlap a or b.
    /// </summary>
    /// <remarks>
    /// Cache- and register-blocked: b is packed into 16-column panels and an 8 × 16 micro-kernel keeps sixteen
    /// Vector512 accumulators in registers. The 64-bit lane product is a single VPMULLQ; on Zen 4 it issues one per
    /// cycle, as does VPMULUDQ, so the three-multiply 32-bit split would be three times slower. Products of at least
    /// 2^20 multiply-adds are split into tiles over up to <paramref name="maxDegreeOfParallelism"/> threads
    /// (-1: <see cref="Environment.ProcessorCount"/>; 1: the calling thread only).
    /// </remarks>
    public static void MatMul(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> c, int m, int k, int n, int maxDegreeOfParallelism = -1)
    {
        CheckMatMul(a, b, c, m, k, n, maxDegreeOfParallelism);
        MatMulCore(a, b, c, m, k, n, accumulate: false, maxDegreeOfParallelism);
    }

    /// <summary>c += a · b over Z_2^64; shapes and threading as in <see cref="MatMul"/>.</summary>
    public static void MatMulAccumulate(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> c, int m, int k, int n, int maxDegreeOfParallelism = -1)
    {
        CheckMatMul(a, b, c, m, k, n, maxDegreeOfParallelism);
        MatMulCore(a, b, c, m, k, n, accumulate: true, maxDegreeOfParallelism);
    }

    /// <summary>
    /// destination (cols × rows) = the transpose of source (rows × cols), both row-major, in cache-sized tiles. The two
    /// spans must not overlap.
    /// </summary>
    public static void Transpose(ReadOnlySpan<ulong> source, Span<ulong> destination, int rows, int cols)
    {
        CheckDimensions(rows, cols);
        long length = (long)rows * cols;
        CheckLength("Transpose source", (int)Math.Min(length, int.MaxValue), source.Length);
        CheckLength("Transpose destination", source.Length, destination.Length);
        CheckDisjoint(source, destination, nameof(destination));

        const int Tile = 32;
        for (int i0 = 0; i0 < rows; i0 += Tile)
        {
            int i1 = Math.Min(rows, i0 + Tile);
            for (int j0 = 0; j0 < cols; j0 += Tile)
            {
                int j1 = Math.Min(cols, j0 + Tile);
                for (int i = i0; i < i1; i++)
                {
                    ReadOnlySpan<ulong> row = source.Slice(i * cols, cols);
                    for (int j = j0; j < j1; j++)
                    {
                        destination[j * rows + i] = row[j];
                    }
                }
            }
        }
    }

    private static void CheckDimensions(params ReadOnlySpan<int> dimensions)
    {
        foreach (int d in dimensions)
        {
            if (d < 0)
            {
                throw MpcError.InvalidShape($"Matrix dimensions must be non-negative, got [{string.Join(", ", dimensions.ToArray())}].");
            }
        }
    }

    private static void CheckMatMul(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> c, int m, int k, int n, int maxDegreeOfParallelism)
    {
        CheckMatMulShapes(a.Length, b.Length, c.Length, m, k, n, maxDegreeOfParallelism);
        CheckDisjoint(a, c, nameof(c));
        CheckDisjoint(b, c, nameof(c));
    }

    internal static void CheckMatMulShapes(int aLength, int bLength, int cLength, int m, int k, int n, int maxDegreeOfParallelism)
    {
        CheckDimensions(m, k, n);
        if ((long)m * k != aLength)
        {
            MpcError.ThrowLengthMismatch($"MatMul operand a ({m} × {k})", (long)m * k, aLength);
        }
        if ((long)k * n != bLength)
        {
            MpcError.ThrowLengthMismatch($"MatMul operand b ({k} × {n})", (long)k * n, bLength);
        }
        if ((long)m * n != cLength)
        {
            MpcError.ThrowLengthMismatch($"MatMul destination ({m} × {n})", (long)m * n, cLength);
        }
        if (maxDegreeOfParallelism is 0 or < -1)
        {
            throw MpcError.OutOfRange(nameof(maxDegreeOfParallelism), "Use -1 for all processors or a positive thread count.");
        }
    }

    private static void MatMulCore(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> c, int m, int k, int n, bool accumulate, int maxDegreeOfParallelism)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            PackedGemm<ulong, RingKernel512>.Run(a, b, c, m, k, n, accumulate, maxDegreeOfParallelism);
        }
        else
        {
            PackedGemm<ulong, RingKernel256>.Run(a, b, c, m, k, n, accumulate, maxDegreeOfParallelism);
        }
    }

    private readonly unsafe struct RingKernel512 : IGemmKernel<ulong>
    {
        public static int PanelWidth => 16;

        public static int BlockRows => 8;

        public static void Block(ulong* a, nint lda, ulong* panel, nint depth, ulong* c, nint ldc, bool accumulate)
        {
            Vector512<ulong> c00 = default, c01 = default;
            Vector512<ulong> c10 = default, c11 = default;
            Vector512<ulong> c20 = default, c21 = default;
            Vector512<ulong> c30 = default, c31 = default;
            Vector512<ulong> c40 = default, c41 = default;
            Vector512<ulong> c50 = default, c51 = default;
            Vector512<ulong> c60 = default, c61 = default;
            Vector512<ulong> c70 = default, c71 = default;
            ulong* a0 = a;
            ulong* a1 = a + 1 * lda;
            ulong* a2 = a + 2 * lda;
            ulong* a3 = a + 3 * lda;
            ulong* a4 = a + 4 * lda;
            ulong* a5 = a + 5 * lda;
            ulong* a6 = a + 6 * lda;
            ulong* a7 = a + 7 * lda;
            ulong* bp = panel;
            for (nint p = 0; p < depth; p++, bp += 16)
            {
                var b0 = Vector512.Load(bp);
                var b1 = Vector512.Load(bp + 8);
                var x0 = Vector512.Create(a0[p]);
                c00 += x0 * b0;
                c01 += x0 * b1;
                var x1 = Vector512.Create(a1[p]);
                c10 += x1 * b0;
                c11 += x1 * b1;
                var x2 = Vector512.Create(a2[p]);
                c20 += x2 * b0;
                c21 += x2 * b1;
                var x3 = Vector512.Create(a3[p]);
                c30 += x3 * b0;
                c31 += x3 * b1;
                var x4 = Vector512.Create(a4[p]);
                c40 += x4 * b0;
                c41 += x4 * b1;
                var x5 = Vector512.Create(a5[p]);
                c50 += x5 * b0;
                c51 += x5 * b1;
                var x6 = Vector512.Create(a6[p]);
                c60 += x6 * b0;
                c61 += x6 * b1;
                var x7 = Vector512.Create(a7[p]);
                c70 += x7 * b0;
                c71 += x7 * b1;
            }
            if (accumulate)
            {
                c00 += Vector512.Load(c + 0 * ldc);
                c01 += Vector512.Load(c + 0 * ldc + 8);
                c10 += Vector512.Load(c + 1 * ldc);
                c11 += Vector512.Load(c + 1 * ldc + 8);
                c20 += Vector512.Load(c + 2 * ldc);
                c21 += Vector512.Load(c + 2 * ldc + 8);
                c30 += Vector512.Load(c + 3 * ldc);
                c31 += Vector512.Load(c + 3 * ldc + 8);
                c40 += Vector512.Load(c + 4 * ldc);
                c41 += Vector512.Load(c + 4 * ldc + 8);
                c50 += Vector512.Load(c + 5 * ldc);
                c51 += Vector512.Load(c + 5 * ldc + 8);
                c60 += Vector512.Load(c + 6 * ldc);
                c61 += Vector512.Load(c + 6 * ldc + 8);
                c70 += Vector512.Load(c + 7 * ldc);
                c71 += Vector512.Load(c + 7 * ldc + 8);
            }
            c00.Store(c + 0 * ldc);
            c01.Store(c + 0 * ldc + 8);
            c10.Store(c + 1 * ldc);
            c11.Store(c + 1 * ldc + 8);
            c20.Store(c + 2 * ldc);
            c21.Store(c + 2 * ldc + 8);
            c30.Store(c + 3 * ldc);
            c31.Store(c + 3 * ldc + 8);
            c40.Store(c + 4 * ldc);
            c41.Store(c + 4 * ldc + 8);
            c50.Store(c + 5 * ldc);
            c51.Store(c + 5 * ldc + 8);
            c60.Store(c + 6 * ldc);
            c61.Store(c + 6 * ldc + 8);
            c70.Store(c + 7 * ldc);
            c71.Store(c + 7 * ldc + 8);
        }

        public static void Row(ulong* a, ulong* panel, nint depth, ulong* c, bool accumulate)
        {
            // Two independent accumulator pairs (even and odd p) hide the multiply latency.
            Vector512<ulong> e0 = default, e1 = default, o0 = default, o1 = default;
            ulong* bp = panel;
            nint p = 0;
            for (; p + 1 < depth; p += 2, bp += 32)
            {
                var x = Vector512.Create(a[p]);
                var y = Vector512.Create(a[p + 1]);
                e0 += x * Vector512.Load(bp);
                e1 += x * Vector512.Load(bp + 8);
                o0 += y * Vector512.Load(bp + 16);
                o1 += y * Vector512.Load(bp + 24);
            }
            if (p < depth)
            {
                var x = Vector512.Create(a[p]);
                e0 += x * Vector512.Load(bp);
                e1 += x * Vector512.Load(bp + 8);
            }
            e0 += o0;
            e1 += o1;
            if (accumulate)
            {
                e0 += Vector512.Load(c);
                e1 += Vector512.Load(c + 8);
            }
            e0.Store(c);
            e1.Store(c + 8);
        }
    }

    private readonly unsafe struct RingKernel256 : IGemmKernel<ulong>
    {
        public static int PanelWidth => 8;

        public static int BlockRows => 8;

        public static void Block(ulong* a, nint lda, ulong* panel, nint depth, ulong* c, nint ldc, bool accumulate)
        {
            Vector256<ulong> c00 = default, c01 = default;
            Vector256<ulong> c10 = default, c11 = default;
            Vector256<ulong> c20 = default, c21 = default;
            Vector256<ulong> c30 = default, c31 = default;
            Vector256<ulong> c40 = default, c41 = default;
            Vector256<ulong> c50 = default, c51 = default;
            Vector256<ulong> c60 = default, c61 = default;
            Vector256<ulong> c70 = default, c71 = default;
            ulong* a0 = a;
            ulong* a1 = a + 1 * lda;
            ulong* a2 = a + 2 * lda;
            ulong* a3 = a + 3 * lda;
            ulong* a4 = a + 4 * lda;
            ulong* a5 = a + 5 * lda;
            ulong* a6 = a + 6 * lda;
            ulong* a7 = a + 7 * lda;
            ulong* bp = panel;
            for (nint p = 0; p < depth; p++, bp += 8)
            {
                var b0 = Vector256.Load(bp);
                var b1 = Vector256.Load(bp + 4);
                var x0 = Vector256.Create(a0[p]);
                c00 += x0 * b0;
                c01 += x0 * b1;
                var x1 = Vector256.Create(a1[p]);
                c10 += x1 * b0;
                c11 += x1 * b1;
                var x2 = Vector256.Create(a2[p]);
                c20 += x2 * b0;
                c21 += x2 * b1;
                var x3 = Vector256.Create(a3[p]);
                c30 += x3 * b0;
                c31 += x3 * b1;
                var x4 = Vector256.Create(a4[p]);
                c40 += x4 * b0;
                c41 += x4 * b1;
                var x5 = Vector256.Create(a5[p]);
                c50 += x5 * b0;
                c51 += x5 * b1;
                var x6 = Vector256.Create(a6[p]);
                c60 += x6 * b0;
                c61 += x6 * b1;
                var x7 = Vector256.Create(a7[p]);
                c70 += x7 * b0;
                c71 += x7 * b1;
            }
            if (accumulate)
            {
                c00 += Vector256.Load(c + 0 * ldc);
                c01 += Vector256.Load(c + 0 * ldc + 4);
                c10 += Vector256.Load(c + 1 * ldc);
                c11 += Vector256.Load(c + 1 * ldc + 4);
                c20 += Vector256.Load(c + 2 * ldc);
                c21 += Vector256.Load(c + 2 * ldc + 4);
                c30 += Vector256.Load(c + 3 * ldc);
                c31 += Vector256.Load(c + 3 * ldc + 4);
                c40 += Vector256.Load(c + 4 * ldc);
                c41 += Vector256.Load(c + 4 * ldc + 4);
                c50 += Vector256.Load(c + 5 * ldc);
                c51 += Vector256.Load(c + 5 * ldc + 4);
                c60 += Vector256.Load(c + 6 * ldc);
                c61 += Vector256.Load(c + 6 * ldc + 4);
                c70 += Vector256.Load(c + 7 * ldc);
                c71 += Vector256.Load(c + 7 * ldc + 4);
            }
            c00.Store(c + 0 * ldc);
            c01.Store(c + 0 * ldc + 4);
            c10.Store(c + 1 * ldc);
            c11.Store(c + 1 * ldc + 4);
            c20.Store(c + 2 * ldc);
            c21.Store(c + 2 * ldc + 4);
            c30.Store(c + 3 * ldc);
            c31.Store(c + 3 * ldc + 4);
            c40.Store(c + 4 * ldc);
            c41.Store(c + 4 * ldc + 4);
            c50.Store(c + 5 * ldc);
            c51.Store(c + 5 * ldc + 4);
            c60.Store(c + 6 * ldc);
            c61.Store(c + 6 * ldc + 4);
            c70.Store(c + 7 * ldc);
            c71.Store(c + 7 * ldc + 4);
        }

        public static void Row(ulong* a, ulong* panel, nint depth, ulong* c, bool accumulate)
        {
            // Two independent accumulator pairs (even and odd p) hide the multiply latency.
            Vector256<ulong> e0 = default, e1 = default, o0 = default, o1 = default;
            ulong* bp = panel;
            nint p = 0;
            for (; p + 1 < depth; p += 2, bp += 16)
            {
                var x = Vector256.Create(a[p]);
                var y = Vector256.Create(a[p + 1]);
                e0 += x * Vector256.Load(bp);
                e1 += x * Vector256.Load(bp + 4);
                o0 += y * Vector256.Load(bp + 8);
                o1 += y * Vector256.Load(bp + 12);
            }
            if (p < depth)
            {
                var x = Vector256.Create(a[p]);
                e0 += x * Vector256.Load(bp);
                e1 += x * Vector256.Load(bp + 4);
            }
            e0 += o0;
            e1 += o1;
            if (accumulate)
            {
                e0 += Vector256.Load(c);
                e1 += Vector256.Load(c + 4);
            }
            e0.Store(c);
            e1.Store(c + 4);
        }
    }}
