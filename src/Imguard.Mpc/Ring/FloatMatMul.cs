using System.Runtime.Intrinsics;

namespace Imguard.Mpc.Ring;

/// <summary>
/// Plaintext single-precision matrix product, blocked exactly as <see cref="RingOps.MatMul"/> (packed 32-column panels,
/// an 8-row register-blocked micro-kernel with fused multiply-add), so that benchmarks compare like with like.
/// </summary>
public static class FloatMatMul
{
    /// <summary>
    /// c = a · b with a of shape m × k, b of shape k × n and c of shape m × n, all row-major; c is overwritten and must
    /// not overlap a or b. <paramref name="maxDegreeOfParallelism"/>: -1 for all processors, 1 for the calling thread.
    /// </summary>
    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> c, int m, int k, int n, int maxDegreeOfParallelism = -1)
    {
        RingOps.CheckMatMulShapes(a.Length, b.Length, c.Length, m, k, n, maxDegreeOfParallelism);
        if (a.Overlaps(c) || b.Overlaps(c))
        {
            throw MpcError.Overlap(nameof(c));
        }
        if (Vector512.IsHardwareAccelerated && n <= Vector512<float>.Count)
        {
            PackedGemm<float, FloatKernel512Narrow>.Run(a, b, c, m, k, n, accumulate: false, maxDegreeOfParallelism);
        }
        else if (Vector512.IsHardwareAccelerated)
        {
            PackedGemm<float, FloatKernel512>.Run(a, b, c, m, k, n, accumulate: false, maxDegreeOfParallelism);
        }
        else
        {
            PackedGemm<float, FloatKernel256>.Run(a, b, c, m, k, n, accumulate: false, maxDegreeOfParallelism);
        }
    }

    private readonly unsafe struct FloatKernel512 : IGemmKernel<float>
    {
        public static int PanelWidth => 32;

        public static int BlockRows => 8;

        public static void Block(float* a, nint lda, float* panel, nint depth, float* c, nint ldc, bool accumulate)
        {
            Vector512<float> c00 = default, c01 = default;
            Vector512<float> c10 = default, c11 = default;
            Vector512<float> c20 = default, c21 = default;
            Vector512<float> c30 = default, c31 = default;
            Vector512<float> c40 = default, c41 = default;
            Vector512<float> c50 = default, c51 = default;
            Vector512<float> c60 = default, c61 = default;
            Vector512<float> c70 = default, c71 = default;
            float* a0 = a;
            float* a1 = a + 1 * lda;
            float* a2 = a + 2 * lda;
            float* a3 = a + 3 * lda;
            float* a4 = a + 4 * lda;
            float* a5 = a + 5 * lda;
            float* a6 = a + 6 * lda;
            float* a7 = a + 7 * lda;
            float* bp = panel;
            for (nint p = 0; p < depth; p++, bp += 32)
            {
                var b0 = Vector512.Load(bp);
                var b1 = Vector512.Load(bp + 16);
                var x0 = Vector512.Create(a0[p]);
                c00 = Vector512.FusedMultiplyAdd(x0, b0, c00);
                c01 = Vector512.FusedMultiplyAdd(x0, b1, c01);
                var x1 = Vector512.Create(a1[p]);
                c10 = Vector512.FusedMultiplyAdd(x1, b0, c10);
                c11 = Vector512.FusedMultiplyAdd(x1, b1, c11);
                var x2 = Vector512.Create(a2[p]);
                c20 = Vector512.FusedMultiplyAdd(x2, b0, c20);
                c21 = Vector512.FusedMultiplyAdd(x2, b1, c21);
                var x3 = Vector512.Create(a3[p]);
                c30 = Vector512.FusedMultiplyAdd(x3, b0, c30);
                c31 = Vector512.FusedMultiplyAdd(x3, b1, c31);
                var x4 = Vector512.Create(a4[p]);
                c40 = Vector512.FusedMultiplyAdd(x4, b0, c40);
                c41 = Vector512.FusedMultiplyAdd(x4, b1, c41);
                var x5 = Vector512.Create(a5[p]);
                c50 = Vector512.FusedMultiplyAdd(x5, b0, c50);
                c51 = Vector512.FusedMultiplyAdd(x5, b1, c51);
                var x6 = Vector512.Create(a6[p]);
                c60 = Vector512.FusedMultiplyAdd(x6, b0, c60);
                c61 = Vector512.FusedMultiplyAdd(x6, b1, c61);
                var x7 = Vector512.Create(a7[p]);
                c70 = Vector512.FusedMultiplyAdd(x7, b0, c70);
                c71 = Vector512.FusedMultiplyAdd(x7, b1, c71);
            }
            if (accumulate)
            {
                c00 += Vector512.Load(c + 0 * ldc);
                c01 += Vector512.Load(c + 0 * ldc + 16);
                c10 += Vector512.Load(c + 1 * ldc);
                c11 += Vector512.Load(c + 1 * ldc + 16);
                c20 += Vector512.Load(c + 2 * ldc);
                c21 += Vector512.Load(c + 2 * ldc + 16);
                c30 += Vector512.Load(c + 3 * ldc);
                c31 += Vector512.Load(c + 3 * ldc + 16);
                c40 += Vector512.Load(c + 4 * ldc);
                c41 += Vector512.Load(c + 4 * ldc + 16);
                c50 += Vector512.Load(c + 5 * ldc);
                c51 += Vector512.Load(c + 5 * ldc + 16);
                c60 += Vector512.Load(c + 6 * ldc);
                c61 += Vector512.Load(c + 6 * ldc + 16);
                c70 += Vector512.Load(c + 7 * ldc);
                c71 += Vector512.Load(c + 7 * ldc + 16);
            }
            c00.Store(c + 0 * ldc);
            c01.Store(c + 0 * ldc + 16);
            c10.Store(c + 1 * ldc);
            c11.Store(c + 1 * ldc + 16);
            c20.Store(c + 2 * ldc);
            c21.Store(c + 2 * ldc + 16);
            c30.Store(c + 3 * ldc);
            c31.Store(c + 3 * ldc + 16);
            c40.Store(c + 4 * ldc);
            c41.Store(c + 4 * ldc + 16);
            c50.Store(c + 5 * ldc);
            c51.Store(c + 5 * ldc + 16);
            c60.Store(c + 6 * ldc);
            c61.Store(c + 6 * ldc + 16);
            c70.Store(c + 7 * ldc);
            c71.Store(c + 7 * ldc + 16);
        }

        public static void Row(float* a, float* panel, nint depth, float* c, bool accumulate)
        {
            // Two independent accumulator pairs (even and odd p) hide the multiply latency.
            Vector512<float> e0 = default, e1 = default, o0 = default, o1 = default;
            float* bp = panel;
            nint p = 0;
            for (; p + 1 < depth; p += 2, bp += 64)
            {
                var x = Vector512.Create(a[p]);
                var y = Vector512.Create(a[p + 1]);
                e0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp), e0);
                e1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 16), e1);
                o0 = Vector512.FusedMultiplyAdd(y, Vector512.Load(bp + 32), o0);
                o1 = Vector512.FusedMultiplyAdd(y, Vector512.Load(bp + 48), o1);
            }
            if (p < depth)
            {
                var x = Vector512.Create(a[p]);
                e0 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp), e0);
                e1 = Vector512.FusedMultiplyAdd(x, Vector512.Load(bp + 16), e1);
            }
            e0 += o0;
            e1 += o1;
            if (accumulate)
            {
                e0 += Vector512.Load(c);
                e1 += Vector512.Load(c + 16);
            }
            e0.Store(c);
            e1.Store(c + 16);
        }
    }

    private readonly unsafe struct FloatKernel256 : IGemmKernel<float>
    {
        public static int PanelWidth => 16;

        public static int BlockRows => 8;

        public static void Block(float* a, nint lda, float* panel, nint depth, float* c, nint ldc, bool accumulate)
        {
            Vector256<float> c00 = default, c01 = default;
            Vector256<float> c10 = default, c11 = default;
            Vector256<float> c20 = default, c21 = default;
            Vector256<float> c30 = default, c31 = default;
            Vector256<float> c40 = default, c41 = default;
            Vector256<float> c50 = default, c51 = default;
            Vector256<float> c60 = default, c61 = default;
            Vector256<float> c70 = default, c71 = default;
            float* a0 = a;
            float* a1 = a + 1 * lda;
            float* a2 = a + 2 * lda;
            float* a3 = a + 3 * lda;
            float* a4 = a + 4 * lda;
            float* a5 = a + 5 * lda;
            float* a6 = a + 6 * lda;
            float* a7 = a + 7 * lda;
            float* bp = panel;
            for (nint p = 0; p < depth; p++, bp += 16)
            {
                var b0 = Vector256.Load(bp);
                var b1 = Vector256.Load(bp + 8);
                var x0 = Vector256.Create(a0[p]);
                c00 = Vector256.FusedMultiplyAdd(x0, b0, c00);
                c01 = Vector256.FusedMultiplyAdd(x0, b1, c01);
                var x1 = Vector256.Create(a1[p]);
                c10 = Vector256.FusedMultiplyAdd(x1, b0, c10);
                c11 = Vector256.FusedMultiplyAdd(x1, b1, c11);
                var x2 = Vector256.Create(a2[p]);
                c20 = Vector256.FusedMultiplyAdd(x2, b0, c20);
                c21 = Vector256.FusedMultiplyAdd(x2, b1, c21);
                var x3 = Vector256.Create(a3[p]);
                c30 = Vector256.FusedMultiplyAdd(x3, b0, c30);
                c31 = Vector256.FusedMultiplyAdd(x3, b1, c31);
                var x4 = Vector256.Create(a4[p]);
                c40 = Vector256.FusedMultiplyAdd(x4, b0, c40);
                c41 = Vector256.FusedMultiplyAdd(x4, b1, c41);
                var x5 = Vector256.Create(a5[p]);
                c50 = Vector256.FusedMultiplyAdd(x5, b0, c50);
                c51 = Vector256.FusedMultiplyAdd(x5, b1, c51);
                var x6 = Vector256.Create(a6[p]);
                c60 = Vector256.FusedMultiplyAdd(x6, b0, c60);
                c61 = Vector256.FusedMultiplyAdd(x6, b1, c61);
                var x7 = Vector256.Create(a7[p]);
                c70 = Vector256.FusedMultiplyAdd(x7, b0, c70);
                c71 = Vector256.FusedMultiplyAdd(x7, b1, c71);
            }
            if (accumulate)
            {
                c00 += Vector256.Load(c + 0 * ldc);
                c01 += Vector256.Load(c + 0 * ldc + 8);
                c10 += Vector256.Load(c + 1 * ldc);
                c11 += Vector256.Load(c + 1 * ldc + 8);
                c20 += Vector256.Load(c + 2 * ldc);
                c21 += Vector256.Load(c + 2 * ldc + 8);
                c30 += Vector256.Load(c + 3 * ldc);
                c31 += Vector256.Load(c + 3 * ldc + 8);
                c40 += Vector256.Load(c + 4 * ldc);
                c41 += Vector256.Load(c + 4 * ldc + 8);
                c50 += Vector256.Load(c + 5 * ldc);
                c51 += Vector256.Load(c + 5 * ldc + 8);
                c60 += Vector256.Load(c + 6 * ldc);
                c61 += Vector256.Load(c + 6 * ldc + 8);
                c70 += Vector256.Load(c + 7 * ldc);
                c71 += Vector256.Load(c + 7 * ldc + 8);
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

        public static void Row(float* a, float* panel, nint depth, float* c, bool accumulate)
        {
            // Two independent accumulator pairs (even and odd p) hide the multiply latency.
            Vector256<float> e0 = default, e1 = default, o0 = default, o1 = default;
            float* bp = panel;
            nint p = 0;
            for (; p + 1 < depth; p += 2, bp += 32)
            {
                var x = Vector256.Create(a[p]);
                var y = Vector256.Create(a[p + 1]);
                e0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp), e0);
                e1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 8), e1);
                o0 = Vector256.FusedMultiplyAdd(y, Vector256.Load(bp + 16), o0);
                o1 = Vector256.FusedMultiplyAdd(y, Vector256.Load(bp + 24), o1);
            }
            if (p < depth)
            {
                var x = Vector256.Create(a[p]);
                e0 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp), e0);
                e1 = Vector256.FusedMultiplyAdd(x, Vector256.Load(bp + 8), e1);
            }
            e0 += o0;
            e1 += o1;
            if (accumulate)
            {
                e0 += Vector256.Load(c);
                e1 += Vector256.Load(c + 8);
            }
            e0.Store(c);
            e1.Store(c + 8);
        }
    }
    /// <summary>One vector wide, for products of at most 16 columns (im2col convolutions), where a wider panel would be mostly padding.</summary>
    private readonly unsafe struct FloatKernel512Narrow : IGemmKernel<float>
    {
        public static int PanelWidth => 16;

        public static int BlockRows => 8;

        public static void Block(float* a, nint lda, float* panel, nint depth, float* c, nint ldc, bool accumulate)
        {
            Vector512<float> c0 = default;
            Vector512<float> c1 = default;
            Vector512<float> c2 = default;
            Vector512<float> c3 = default;
            Vector512<float> c4 = default;
            Vector512<float> c5 = default;
            Vector512<float> c6 = default;
            Vector512<float> c7 = default;
            float* a0 = a;
            float* a1 = a + 1 * lda;
            float* a2 = a + 2 * lda;
            float* a3 = a + 3 * lda;
            float* a4 = a + 4 * lda;
            float* a5 = a + 5 * lda;
            float* a6 = a + 6 * lda;
            float* a7 = a + 7 * lda;
            float* bp = panel;
            for (nint p = 0; p < depth; p++, bp += 16)
            {
                var b = Vector512.Load(bp);
                c0 = Vector512.FusedMultiplyAdd(Vector512.Create(a0[p]), b, c0);
                c1 = Vector512.FusedMultiplyAdd(Vector512.Create(a1[p]), b, c1);
                c2 = Vector512.FusedMultiplyAdd(Vector512.Create(a2[p]), b, c2);
                c3 = Vector512.FusedMultiplyAdd(Vector512.Create(a3[p]), b, c3);
                c4 = Vector512.FusedMultiplyAdd(Vector512.Create(a4[p]), b, c4);
                c5 = Vector512.FusedMultiplyAdd(Vector512.Create(a5[p]), b, c5);
                c6 = Vector512.FusedMultiplyAdd(Vector512.Create(a6[p]), b, c6);
                c7 = Vector512.FusedMultiplyAdd(Vector512.Create(a7[p]), b, c7);
            }
            if (accumulate)
            {
                c0 += Vector512.Load(c + 0 * ldc);
                c1 += Vector512.Load(c + 1 * ldc);
                c2 += Vector512.Load(c + 2 * ldc);
                c3 += Vector512.Load(c + 3 * ldc);
                c4 += Vector512.Load(c + 4 * ldc);
                c5 += Vector512.Load(c + 5 * ldc);
                c6 += Vector512.Load(c + 6 * ldc);
                c7 += Vector512.Load(c + 7 * ldc);
            }
            c0.Store(c + 0 * ldc);
            c1.Store(c + 1 * ldc);
            c2.Store(c + 2 * ldc);
            c3.Store(c + 3 * ldc);
            c4.Store(c + 4 * ldc);
            c5.Store(c + 5 * ldc);
            c6.Store(c + 6 * ldc);
            c7.Store(c + 7 * ldc);
        }

        public static void Row(float* a, float* panel, nint depth, float* c, bool accumulate)
        {
            Vector512<float> e = default, o = default;
            float* bp = panel;
            nint p = 0;
            for (; p + 1 < depth; p += 2, bp += 32)
            {
                e = Vector512.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(bp), e);
                o = Vector512.FusedMultiplyAdd(Vector512.Create(a[p + 1]), Vector512.Load(bp + 16), o);
            }
            if (p < depth)
            {
                e = Vector512.FusedMultiplyAdd(Vector512.Create(a[p]), Vector512.Load(bp), e);
            }
            e += o;
            if (accumulate)
            {
                e += Vector512.Load(c);
            }
            e.Store(c);
        }
    }
}
